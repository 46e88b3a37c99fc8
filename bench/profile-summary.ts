// Summarizes a V8 CPU profile (.cpuprofile, from `npm run bench -- --profile`): where the busy
// time went, by package (or project file) and by function, as shares of the non-idle samples.
//
//   npx tsx bench/profile-summary.ts .tmp/profiles/CPU.….cpuprofile [--top 30]
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
if (positionals.length !== 1) throw new Error('usage: profile-summary FILE [--top N]');
const profile = JSON.parse(fs.readFileSync(positionals[0], 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

/** node_modules/<package> for dependencies, the path from src/ or bench/ for ours, else the V8 label. */
function ownerOf(url: string, name: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  const ours = /\/((?:src|bench)\/.*)$/.exec(url);
  if (ours) return ours[1];
  if (url.startsWith('node:')) return url;
  return url === '' ? `(${name || 'native'})` : url;
}

const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
let busy = 0;
for (const [id, time] of selfTime) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') continue;
  busy += time;
  const owner = ownerOf(url, functionName);
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + time);
  const key = `${functionName || '(anonymous)'} ${owner}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + time);
}

const top = Number(values.top);
const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, time] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * time) / busy).toFixed(1).padStart(5)} %  ${key}`);
  }
};
console.log(`busy ${(busy / 1e6).toFixed(2)} s of samples`);
print('self time by package or file', byOwner);
print('self time by function', byFunction);
