/**
 * `npm run synth -- --out DIR [--scenario article|scale] [--events N] [--seed S]`: writes a synthetic LTTng session
 * folder (kernel + UST traces) and prints the events written per trace and the writer's throughput.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NodeDir } from '../src/synth/node-dir';
import { type ScenarioName, synthesizeSession } from '../src/synth/session';

function usage(message?: string): never {
  if (message) console.error(`synth: ${message}`);
  console.error('usage: npm run synth -- --out DIR [--scenario article|scale] [--events N] [--seed S]');
  process.exit(2);
}

const args = process.argv.slice(2);
const opts: Record<string, string> = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
  const value = args[i + 1];
  if (value === undefined) usage(`${a} needs a value`);
  opts[a.slice(2)] = value;
  i++;
}
for (const key of Object.keys(opts))
  if (!['out', 'scenario', 'events', 'seed'].includes(key)) usage(`unknown option --${key}`);
if (!opts.out) usage('--out is required');
const scenario = (opts.scenario ?? 'article') as ScenarioName;
if (scenario !== 'article' && scenario !== 'scale') usage(`unknown scenario ${scenario}`);
const events = opts.events !== undefined ? Number(opts.events) : undefined;
if (events !== undefined && !(Number.isInteger(events) && events > 0)) usage('--events must be a positive integer');
if (events !== undefined && scenario !== 'scale')
  usage('--events applies to --scenario scale (the article trace has a fixed story)');
const seed = opts.seed !== undefined ? Number(opts.seed) : 1;
if (!Number.isInteger(seed)) usage('--seed must be an integer');

// Replace a previous session written here, but never delete anything else.
if (existsSync(opts.out) && readdirSync(opts.out).length > 0) {
  if (!existsSync(join(opts.out, 'kernel', 'metadata')))
    usage(`${opts.out} exists and is not a synthesized session: refusing to write into it`);
  for (const sub of ['kernel', 'ust']) rmSync(join(opts.out, sub), { recursive: true, force: true });
}
const t0 = performance.now();
let lastReport = t0;
const result = synthesizeSession(new NodeDir(opts.out), {
  scenario,
  events,
  seed,
  onProgress: (n, bytes) => {
    const now = performance.now();
    if (now - lastReport > 2000) {
      lastReport = now;
      console.error(
        `  ${n} events, ${(bytes / 1e6).toFixed(0)} MB, ${(bytes / 1e6 / ((now - t0) / 1000)).toFixed(1)} MB/s`,
      );
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
const bytes = result.kernel.bytes + result.ust.bytes;
for (const tr of [result.kernel, result.ust]) {
  console.log(`${tr.path}: ${tr.events} events in ${tr.streams} streams, ${(tr.bytes / 1e6).toFixed(2)} MB`);
}
console.log(
  `total: ${result.kernel.events + result.ust.events} events, ${(bytes / 1e6).toFixed(2)} MB in ${seconds.toFixed(2)} s ` +
    `(${(bytes / 1e6 / seconds).toFixed(1)} MB/s, ${((result.kernel.events + result.ust.events) / seconds / 1e6).toFixed(2)} M events/s, ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)`,
);
