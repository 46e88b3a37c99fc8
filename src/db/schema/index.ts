// Both dialects' tables under one name each, for code that picks a dialect at run time.
export * as pgSchema from './pg.js';
export * as sqliteSchema from './sqlite.js';
