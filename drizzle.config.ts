// drizzle-kit configuration for one dialect at a time: DRIZZLE_DIALECT=sqlite|postgresql
// (default postgresql); DRIZZLE_OUT overrides the output folder (the drift test uses a copy). `npm run db:generate` runs it for both and checks the protected tables.
import { defineConfig } from 'drizzle-kit';

const dialect = process.env.DRIZZLE_DIALECT === 'sqlite' ? 'sqlite' : 'postgresql';

export default dialect === 'sqlite'
  ? defineConfig({
      dialect: 'sqlite',
      schema: './src/db/schema/sqlite.ts',
      out: process.env.DRIZZLE_OUT ?? './drizzle/sqlite',
      dbCredentials: { url: process.env.DRIZZLE_SQLITE_FILE ?? './data/mathakine.db' },
    })
  : defineConfig({
      dialect: 'postgresql',
      schema: './src/db/schema/pg.ts',
      out: process.env.DRIZZLE_OUT ?? './drizzle/pg',
      dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    });
