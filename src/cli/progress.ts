// Progress for people: on a terminal a bar (known size) or a spinner line (unknown size) that a
// summary line replaces; otherwise one plain line per step. Always on stderr, so stdout carries
// only the command's result (the JSON of --json).
import cliProgress from 'cli-progress';
import type { Progress } from '../ops/progress.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const interactive = Boolean(process.stdout.isTTY && stream.isTTY);
  if (!interactive) {
    // plain lines for logs and pipes: one per finished step
    return {
      start: () => {},
      update: () => {},
      finish: (summary, ok = true) => stream.write(`${ok ? '✓' : '✗'} ${summary}\n`),
    };
  }

  let bar: cliProgress.SingleBar | null = null;
  let spinner: NodeJS.Timeout | null = null;
  let label = '';
  let count = 0;
  const stop = () => {
    bar?.stop();
    bar = null;
    if (spinner) clearInterval(spinner);
    spinner = null;
    stream.write('\r\x1b[2K');
  };
  return {
    start(next, total) {
      stop();
      label = next;
      count = 0;
      if (total && total > 1) {
        bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% {value}/{total}`, stream, clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
        return;
      }
      let frame = 0;
      spinner = setInterval(() => {
        stream.write(`\r\x1b[2K${SPINNER[frame++ % SPINNER.length]} ${label}${count ? ` (${count})` : ''}`);
      }, 100);
      spinner.unref();
    },
    update(done, total) {
      if (bar) {
        if (total) bar.setTotal(total);
        bar.update(done);
      } else if (total && total > 1 && spinner) {
        // the size became known: switch from the spinner to a bar
        const current = label;
        stop();
        this.start(current, total);
        this.update(done, total);
      } else {
        count = done;
      }
    },
    finish(summary, ok = true) {
      stop();
      stream.write(`${ok ? '✓' : '✗'} ${summary}\n`);
    },
  };
}
