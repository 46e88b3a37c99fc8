// canonicalEnum: every spelling the original app wrote maps to our value, and only to that value.
import { describe, expect, it } from 'vitest';
import { AGE_GROUPS, canonicalEnum, DIFFICULTIES, EXERCISE_TYPES } from '../../src/db/enums.js';

describe('canonicalEnum', () => {
  it.each([
    ['GRAND_MAITRE', 'grand_maitre'],
    ['Grand Maître', 'grand_maitre'],
    ['grand-maître', 'grand_maitre'],
    ['MAITRE', 'maitre'],
    ['Maître', 'maitre'],
    ['Initié', 'initie'],
    [' CHEVALIER ', 'chevalier'],
  ])('difficulty %s → %s', (raw, value) => expect(canonicalEnum(raw, DIFFICULTIES)).toBe(value));

  it.each([
    // the original's latest names
    ['GROUP_6_8', '6-8'],
    ['GROUP_10_12', '10-12'],
    ['GROUP_13_15', '13-15'],
    ['GROUP_15_17', '15-17'],
    ['ADULT', 'adulte'],
    ['ALL_AGES', 'all'],
    // its 2025 names and values
    ['ENFANT', 'enfant'],
    ['ADOLESCENT', 'adolescent'],
    ['ADULTE', 'adulte'],
    ['AGE_9_12', '9-12'],
    ['AGE_12_13', '12-13'],
    ['AGE_13_PLUS', '13+'],
    ['13+', '13+'],
    ['ALL', 'all'],
  ])('age group %s → %s', (raw, value) => expect(canonicalEnum(raw, AGE_GROUPS)).toBe(value));

  it('gives every latest age group of the original a value of ours', () => {
    for (const name of ['GROUP_6_8', 'GROUP_10_12', 'GROUP_13_15', 'GROUP_15_17', 'ADULT', 'ALL_AGES']) {
      expect(AGE_GROUPS, name).toContain(canonicalEnum(name, AGE_GROUPS));
    }
  });

  it.each([
    ['grand', DIFFICULTIES],
    ['legende', DIFFICULTIES],
    ['maitre_grand', DIFFICULTIES],
    ['GROUP_7_9', AGE_GROUPS],
    ['ADULTS_ONLY', AGE_GROUPS],
    ['99+', AGE_GROUPS],
    ['addition_soustraction', EXERCISE_TYPES],
  ] as const)('refuses %s rather than guessing a neighbour', (raw, values) => expect(canonicalEnum(raw, values)).toBeUndefined());
});
