// An open-loop load: requests leave at a fixed rate, evenly spaced, whether or not the earlier ones
// were answered (as independent clients' requests arrive), each timed from the moment it was due
// to leave, so a late generator does not hide a slow server (no coordinated omission). autocannon's
// own rate limit is not this: each connection sends as fast as answered until its share of the
// second is spent, then waits for the next second, so most of each second runs saturated.
import http from 'node:http';
import type autocannon from 'autocannon';

export interface OpenLoopResult {
  /** answers per second actually received */
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

export async function openLoop(base: string, next: () => autocannon.Request, rate: number, seconds: number): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const url = new URL(base);
  const latencies: number[] = [];
  let failures = 0;
  const pending = new Set<Promise<void>>();
  const send = (due: number) => {
    const { method = 'GET', path = '/', headers = {}, body } = next();
    const done = new Promise<void>((resolve) => {
      const request = http.request({ agent, host: url.hostname, port: url.port, method, path, headers }, (response) => {
        response.resume();
        response.on('end', () => {
          latencies.push(performance.now() - due);
          if (response.statusCode === undefined || response.statusCode >= 400) failures++;
          resolve();
        });
      });
      request.on('error', () => {
        failures++;
        resolve();
      });
      request.end(body as string | undefined);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  const interval = 1000 / rate;
  const start = performance.now();
  const total = Math.floor(rate * seconds);
  for (let sent = 0; sent < total; ) {
    const now = performance.now();
    // every request due by now leaves now (the timer's granularity is about a millisecond)
    while (sent < total && start + sent * interval <= now) send(start + sent++ * interval);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + sent * interval - performance.now())));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return { rps: latencies.length / elapsed, p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), failures };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
