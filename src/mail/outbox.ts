// Without SMTP_URL outside production, each message is also written here: one JSON file per message
// in MAIL_OUTBOX_DIR, the newest OUTBOX_KEEP kept, read back by `mathakine mail last` (another process
// than the server, so it cannot be memory). A folder rather than a table: the messages hold working
// links (a reset token in clear), which the database must never store, and a developer can open the
// files; production never writes here.
import fs from 'node:fs';
import path from 'node:path';
import type { MailMessage } from './messages.js';

export const OUTBOX_KEEP = 50;

export interface OutboxEntry extends MailMessage {
  sent_at: string;
}

const FILE = /^\d{13}-\d{6}\.json$/;

let sequence = 0;

/** Writes the message (readable by its owner only: it holds live links) and prunes the oldest beyond OUTBOX_KEEP. */
export function writeToOutbox(dir: string, message: MailMessage, now = new Date()): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  sequence = (sequence + 1) % 1_000_000;
  const file = path.join(dir, `${now.getTime()}-${String(sequence).padStart(6, '0')}.json`);
  const entry: OutboxEntry = { sent_at: now.toISOString(), ...message };
  fs.writeFileSync(file, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
  for (const old of outboxFiles(dir).slice(0, -OUTBOX_KEEP)) fs.rmSync(path.join(dir, old), { force: true });
  return file;
}

/** File names, oldest first (the names sort by time). */
function outboxFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => FILE.test(name))
    .sort();
}

/** The newest `count` messages, newest first; only those sent to `to` when given. */
export function readOutbox(dir: string, options: { count?: number; to?: string } = {}): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  const to = options.to?.toLowerCase();
  for (const name of outboxFiles(dir).reverse()) {
    let entry: OutboxEntry;
    try {
      entry = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as OutboxEntry;
    } catch {
      continue; // pruned meanwhile, or half-written
    }
    if (to && entry.to.toLowerCase() !== to) continue;
    entries.push(entry);
    if (entries.length >= (options.count ?? 1)) break;
  }
  return entries;
}
