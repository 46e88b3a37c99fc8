// A report's steps (optimize, safe migrate): the schema of one, and the runner that times it,
// shows it as progress and records it.
import { z } from 'zod';
import { elapsedMs, errorMessage, type Progress } from './progress.js';

export const stepSchema = z.object({
  name: z.string(),
  status: z.enum(['done', 'skipped', 'failed']),
  duration_ms: z.number(),
  detail: z.string(),
});
export type Step = z.infer<typeof stepSchema>;

/** Runs one step and pushes its line onto `steps`; a failure is recorded, then rethrown. */
export async function runStep<T>(steps: Step[], progress: Progress, name: string, run: () => Promise<{ value: T; detail: string }>): Promise<T> {
  const startedAt = performance.now();
  progress.start(name);
  try {
    const { value, detail } = await run();
    steps.push({ name, status: 'done', duration_ms: elapsedMs(startedAt), detail });
    progress.finish(`${name}: ${detail}`);
    return value;
  } catch (error) {
    steps.push({ name, status: 'failed', duration_ms: elapsedMs(startedAt), detail: errorMessage(error) });
    progress.finish(`${name}: FAILED ${errorMessage(error)}`, false);
    throw error;
  }
}
