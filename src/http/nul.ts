// PostgreSQL text cannot hold a NUL character (SQLite can): one check on every request's input,
// before validation, so both dialects refuse the same strings and no field is forgotten.

/** The path ("a.b.0") of the first string (value or key) holding U+0000, or null. */
export function findNulCharacter(input: unknown): string | null {
  // iterative: a deeply nested body must not exhaust the stack
  const pending: Array<[unknown, string]> = [[input, '']];
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return path;
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key.includes('\0')) return childPath;
        pending.push([child, childPath]);
      }
    }
  }
  return null;
}
