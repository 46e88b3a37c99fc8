// The import rules of src/ (.dependency-cruiser.cjs, stated in each folder's README): no cycle,
// no upward arrow. Known violations are listed below with the branch that removes them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

interface KnownViolation {
  /** `rule: from → to`, or for a cycle `no-circular: a ↔ b ↔ …` (its files sorted) */
  violation: string;
  /** the branch whose merge removes it; the lead deletes the entry then */
  removedBy: string;
}

const arrows = (removedBy: string, rule: string, pairs: [from: string, to: string][]): KnownViolation[] =>
  pairs.map(([from, to]) => ({ violation: arrow(rule, `src/${from}`, `src/${to}`), removedBy }));
const cycleOf = (removedBy: string, files: string[]): KnownViolation => ({ violation: cycle(files.map((file) => `src/${file}`)), removedBy });

/** Empty it as the branches land: an entry that no longer occurs fails the test too. */
const KNOWN_VIOLATIONS: KnownViolation[] = [];

function arrow(rule: string, from: string, to: string): string {
  return `${rule}: ${from} → ${to}`;
}
function cycle(files: string[]): string {
  return `no-circular: ${[...new Set(files)].sort().join(' ↔ ')}`;
}

async function violations(): Promise<{ modules: number; found: string[] }> {
  const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
  const tsConfig = extractTSConfig('tsconfig.json');
  const { output } = await cruise(['src'], { ...options, validate: true }, {}, { tsConfig });
  const result = output as ICruiseResult;
  const found = result.summary.violations.map((v: IViolation) =>
    v.cycle ? cycle([v.from, ...v.cycle.map((step) => step.name)]) : arrow(v.rule.name, v.from, v.to),
  );
  return { modules: result.summary.totalCruised, found: [...new Set(found)].sort() };
}

describe('architecture', () => {
  it('has no import cycle and no import across the layers but the known ones', { timeout: 60_000 }, async () => {
    const { modules, found } = await violations();
    expect(modules).toBeGreaterThan(100); // it did read src/
    const allowed = new Set(KNOWN_VIOLATIONS.map((known) => known.violation));
    expect(
      found.filter((v) => !allowed.has(v)),
      'new violations: see the README of the folders involved',
    ).toEqual([]);
    expect(
      KNOWN_VIOLATIONS.filter((known) => !found.includes(known.violation)).map((known) => `${known.violation} (fixed by ${known.removedBy}: delete the entry)`),
      'known violations that are gone',
    ).toEqual([]);
  });

  it('keeps PostgreSQL-only builder calls and the full builder out of the modules and src/domain (types cannot remove them, see src/db/store.ts)', () => {
    // ... and the full builder (`AppDb`, `Database`): services get a Store (src/db/store.ts)
    const dialectOnly = /\b(ilike|notIlike|arrayContains|arrayContained|arrayOverlaps|selectDistinctOn|AppDb|Database)\b|\.for\(\s*['"`]/;
    const files = ['src/modules', 'src/domain'].flatMap((dir) =>
      fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts') && !(dir === 'src/modules' && file.startsWith('admin')))
        .map((file) => path.join(dir, file)),
    );
    expect(files.length).toBeGreaterThan(20);
    const offending = files.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (dialectOnly.test(line) && !line.trimStart().startsWith('//') ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(offending, 'use the Store and the portable operators of src/db/operators.ts').toEqual([]);
  });
});
