// Percentages of the statistics: one rule for "nothing counted yet" (0) and for rounding.

/** `part` of `whole` as a percentage (0–100), exact, or rounded to `decimals` places when given. */
export function percentage(part: number, whole: number, decimals?: number): number {
  if (whole === 0) return 0;
  if (decimals === undefined) return (100 * part) / whole;
  const scale = 10 ** decimals;
  return Math.round((100 * scale * part) / whole) / scale;
}
