// How long-running ops tell whoever runs them how far they are. The CLI draws a bar or a spinner
// on a terminal and prints plain lines otherwise; the admin routes pass nothing (silent).

export interface Progress {
  /** A step begins; `total` when its size is known (pages, tables…). */
  start(label: string, total?: number): void;
  /** How far the current step is (`done` of the total given to start, or a running count). */
  update(done: number, total?: number): void;
  /** The step is over: one summary line. */
  finish(summary: string, ok?: boolean): void;
}

export const silentProgress: Progress = {
  start() {},
  update() {},
  finish() {},
};

/** Milliseconds since `startedAt` (performance.now()), rounded to 0.1 ms. */
export function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}

/** An error's message; for drizzle's "Failed query: <sql> params: …" wrapper, the driver's own reason. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message.startsWith('Failed query') && error.cause instanceof Error) return error.cause.message;
  return error.message;
}
