// The legacy tables' guard: a migration may create them, never drop, alter, rename, truncate or rewrite
// them, nor touch the import's legacy area. drizzle-kit's tablesFilter does not apply to generate, so
// this check on the SQL text runs at generate time and again before applying.
import { PROTECTED_TABLES } from './enums.js';

export interface ProtectedTableViolation {
  table: string;
  statement: string;
}

const identifier = String.raw`(?:["\`\[]?(\w+)["\`\]]?\.)?["\`\[]?(\w+)["\`\]]?`;
const FORBIDDEN = [
  new RegExp(String.raw`\bdrop\s+table\s+(?:if\s+exists\s+)?${identifier}`, 'gi'),
  new RegExp(String.raw`\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?${identifier}`, 'gi'),
  new RegExp(String.raw`\btruncate\s+(?:table\s+)?(?:only\s+)?${identifier}`, 'gi'),
  new RegExp(String.raw`\bdelete\s+from\s+(?:only\s+)?${identifier}`, 'gi'),
  new RegExp(String.raw`\bupdate\s+(?:only\s+)?${identifier}\s+set\b`, 'gi'),
  new RegExp(String.raw`\brename\s+to\s+${identifier}`, 'gi'),
  new RegExp(
    String.raw`\bcreate\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?(?:["\`\[]?\w+["\`\]]?\s+)?on\s+(?:only\s+)?${identifier}`,
    'gi',
  ),
  new RegExp(String.raw`\binsert\s+into\s+${identifier}`, 'gi'),
];

/** The import's legacy area: schema and table prefix. */
export const LEGACY_AREA_SCHEMA = 'legacy';
export const LEGACY_AREA_PREFIX = 'legacy_';

const LEGACY_AREA_STATEMENTS = [
  new RegExp(String.raw`\b(?:create|drop|alter)\s+schema\s+(?:if\s+(?:not\s+)?exists\s+)?["\`\[]?${LEGACY_AREA_SCHEMA}["\`\]]?\b`, 'gi'),
  new RegExp(String.raw`\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?${identifier}`, 'gi'),
];

/** Whether `schema`.`table` belongs to the import's legacy area. */
export function isLegacyArea(schema: string | undefined, table: string): boolean {
  return schema?.toLowerCase() === LEGACY_AREA_SCHEMA || table.toLowerCase().startsWith(LEGACY_AREA_PREFIX);
}

/** Every statement of `migrationSql` that would drop or change a protected table. */
export function findProtectedTableViolations(migrationSql: string): ProtectedTableViolation[] {
  const protectedNames = new Set<string>(PROTECTED_TABLES);
  const violations: ProtectedTableViolation[] = [];
  const withoutComments = migrationSql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  for (const statement of withoutComments.split(';')) {
    for (const pattern of FORBIDDEN) {
      for (const match of statement.matchAll(pattern)) {
        const table = match[2].toLowerCase();
        if (isLegacyArea(match[1], table))
          violations.push({ table: match[1] ? `${match[1].toLowerCase()}.${table}` : table, statement: statement.trim().slice(0, 300) });
        else if (protectedNames.has(table) && !/^\s*(create|insert)/i.test(match[0])) violations.push({ table, statement: statement.trim().slice(0, 300) });
      }
    }
    for (const pattern of LEGACY_AREA_STATEMENTS) {
      for (const match of statement.matchAll(pattern)) {
        const table = match[2]?.toLowerCase();
        if (table === undefined) violations.push({ table: LEGACY_AREA_SCHEMA, statement: statement.trim().slice(0, 300) });
        else if (isLegacyArea(match[1], table))
          violations.push({ table: match[1] ? `${match[1].toLowerCase()}.${table}` : table, statement: statement.trim().slice(0, 300) });
      }
    }
  }
  return violations;
}
