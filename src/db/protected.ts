// The legacy tables' guard: a migration may create them, never drop, alter, rename, truncate or
// rewrite them. drizzle-kit's tablesFilter applies to push/pull only, not to generate, so this
// check on the SQL text is what protects them, at generate time and again before applying.
import { PROTECTED_TABLES } from './enums.js';

export interface ProtectedTableViolation {
  table: string;
  statement: string;
}

const identifier = String.raw`(?:["\`\[]?\w+["\`\]]?\.)?["\`\[]?(\w+)["\`\]]?`;
const FORBIDDEN = [
  new RegExp(String.raw`\bdrop\s+table\s+(?:if\s+exists\s+)?${identifier}`, 'gi'),
  new RegExp(String.raw`\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?${identifier}`, 'gi'),
  new RegExp(String.raw`\btruncate\s+(?:table\s+)?(?:only\s+)?${identifier}`, 'gi'),
  new RegExp(String.raw`\bdelete\s+from\s+(?:only\s+)?${identifier}`, 'gi'),
  new RegExp(String.raw`\bupdate\s+(?:only\s+)?${identifier}\s+set\b`, 'gi'),
  new RegExp(String.raw`\brename\s+to\s+${identifier}`, 'gi'),
];

/** Every statement of `migrationSql` that would drop or change a protected table. */
export function findProtectedTableViolations(migrationSql: string): ProtectedTableViolation[] {
  const protectedNames = new Set<string>(PROTECTED_TABLES);
  const violations: ProtectedTableViolation[] = [];
  const withoutComments = migrationSql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  for (const statement of withoutComments.split(';')) {
    for (const pattern of FORBIDDEN) {
      for (const match of statement.matchAll(pattern)) {
        const table = match[1].toLowerCase();
        if (protectedNames.has(table)) violations.push({ table, statement: statement.trim().slice(0, 300) });
      }
    }
  }
  return violations;
}
