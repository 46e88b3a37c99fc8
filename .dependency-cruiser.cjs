// The import rules of src/, as each folder's README states them. Checked by
// test/architecture.test.ts (known violations waiting for a branch are listed there, by name).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycle anywhere in src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'db-is-the-floor',
      comment: 'src/db imports nothing of the app outside src/db, but the Config type (db/configured.ts).',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/(db/|config\\.ts$)' },
    },
    {
      name: 'http-is-shared-schemas',
      comment: 'src/http (shared zod schemas, the serializer) imports only src/http and src/db.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/', pathNot: '^src/(http|db)/' },
    },
    {
      name: 'top-level-files-stay-low',
      comment: 'config, errors and logger are used everywhere: they import only src/db (config parses the database URL).',
      severity: 'error',
      from: { path: '^src/(config|errors|logger)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(db/|config\\.ts$|errors\\.ts$|logger\\.ts$)' },
    },
    {
      name: 'mail-is-low',
      comment: 'src/mail (messages, the SMTP transport, the dev outbox) imports only config, errors and logger: modules, plugins and the CLI use it.',
      severity: 'error',
      from: { path: '^src/mail/' },
      to: { path: '^src/', pathNot: '^src/(mail/|config\\.ts$|errors\\.ts$|logger\\.ts$)' },
    },
    {
      name: 'plugins-below-modules',
      comment:
        'Fastify plugins (src/plugins) know nothing of modules, ops, the CLI or the app; the one exception: ' +
        "the auth plugin fills in the Actor with the auth module's per-request account check.",
      severity: 'error',
      from: { path: '^src/plugins/' },
      to: { path: '^src/(modules|ops|cli)/|^src/(app|server|cli)\\.ts$', pathNot: '^src/modules/auth/(actor|current-actor)\\.ts$' },
    },
    {
      name: 'services-without-fastify',
      comment: "Only a module's routes.ts may import a Fastify plugin: services, schemas and rules run without Fastify.",
      severity: 'error',
      from: { path: '^src/modules/', pathNot: '/routes\\.ts$' },
      to: { path: '^src/plugins/' },
    },
    {
      name: 'routes-are-registered',
      comment: "A module's routes.ts is registered by app.ts, never imported: what two routes files share lives in a file of its own.",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app\\.ts$' },
      to: { path: '^src/modules/.+/routes\\.ts$' },
    },
    {
      name: 'modules-below-cli-and-entry-points',
      comment: 'Modules never import the CLI or the entry points.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/cli/|^src/(app|server|cli)\\.ts$' },
    },
    {
      name: 'ops-only-from-admin',
      comment: 'src/ops is reached from the CLI, the server start and modules/admin only.',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: '^src/modules/admin/' },
      to: { path: '^src/ops/' },
    },
    {
      name: 'ops-below-modules',
      comment:
        'src/ops works on src/db and src/domain with config, errors, logger and the shared zod pieces of src/http; never a module, a plugin, the CLI or the app: what it shares with the API lives in src/domain.',
      severity: 'error',
      from: { path: '^src/ops/' },
      to: { path: '^src/(modules|plugins|cli)/|^src/(app|server|cli)\\.ts$' },
    },
    {
      name: 'domain-is-shared-below',
      comment:
        'src/domain (account creation and its rules, the exercise generator, answer parsing) is used by the modules and ops alike: it imports only src/db, src/domain and errors.ts.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(db|domain)/|^src/errors\\.ts$' },
    },
    {
      name: 'cli-is-a-shell',
      comment: 'src/cli parses arguments and calls src/ops (and src/db, config, errors, logger); no module, plugin, HTTP or app.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(modules|plugins|http)/|^src/(app|server)\\.ts$' },
    },
    {
      name: 'entry-points-are-not-imported',
      comment: 'server.ts and cli.ts are run, never imported; app.ts is imported by server.ts only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/server\\.ts$' },
      to: { path: '^src/(server|cli|app)\\.ts$' },
    },
    {
      name: 'drivers-in-db-and-ops',
      comment: 'Dialect-specific code (drivers, dialect builders) lives in src/db and src/ops only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(db|ops)/' },
      to: { path: '^node_modules/(pg|better-sqlite3|pg-[^/]+)/|^node_modules/drizzle-orm/(pg-core|sqlite-core|node-postgres|better-sqlite3)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // `import type` counts: a type-only import is still an arrow between two files
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], mainFields: ['module', 'main', 'types'] },
  },
};
