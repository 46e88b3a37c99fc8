// The `mathakine` command: parses arguments and calls src/ops. Each command group lives in
// src/cli/<group>.ts and registers itself here.
import { Command } from 'commander';
import { registerImportCommand } from './cli/import.js';
import { registerDbCommands } from './cli/db.js';
import { registerUserCommands } from './cli/user.js';
import { registerSeedCommand } from './cli/seed.js';
import { registerMailCommands } from './cli/mail.js';

const program = new Command('mathakine')
  .description('Mathakine API operations: database migrations, backups, health, import, demo content')
  .showHelpAfterError();
const db = program.command('db').description('database operations (SQLite or PostgreSQL, from DATABASE_URL)');

// Command groups (one line each): registerXxxCommands(program, db) from ./cli/<group>.js

registerImportCommand(db);
registerDbCommands(db);
registerUserCommands(program);
registerSeedCommand(program);
registerMailCommands(program);
await program.parseAsync(process.argv);
