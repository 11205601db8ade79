/**
 * `npm run bench:analysis [-- SLICES]`: time of the analysis panel's figures (src/analysis/selection.ts) for the
 * whole of a generated model of SLICES call slices (default 3 M) with kernel states and syscalls, merged and per
 * thread, and for a tenth of its time range. Two shapes of the same calls: as generated (a random name at every
 * call: about one call path per call, the flame graph's worst case) and program-like (a callee's name follows from
 * its caller and whether it is an even or odd sibling: at most 2^depth paths, as loops calling the same functions
 * give). No reference tool computes these figures: the ratio printed is against one pass that only reads every
 * slice's start and end (the floor of any computation over the slices).
 */
import { analyzeSelection, type AnalysisQuery } from '../src/analysis/selection';
import { generatedModel } from '../src/fixtures/model-fixture';

const slices = Number(process.argv[2] ?? 3_000_000);
const t0 = performance.now();
const model = generatedModel({ slices, threads: 8 });
console.log(
  `model: ${slices} slices on ${model.threads.length} threads, ${(model.endNs / 1e9).toFixed(2)} s of trace (built in ${(performance.now() - t0).toFixed(0)} ms)`,
);

/** Program-like names: from the caller's name and the sibling's parity (rewrites the model's name column). */
function programLike(): void {
  const nNames = 14;
  for (const t of model.threads) {
    const s = t.slices;
    const nameAt: number[] = [];
    const kidsAt: number[] = [];
    for (let i = 0; i < s.count; i++) {
      const d = s.depth[i];
      const parentName = d > 0 ? nameAt[d - 1] : 0;
      const sibling = d > 0 ? kidsAt[d - 1]++ : 0;
      const name = (parentName * 3 + d + (sibling & 1) * 5 + 1) % nNames;
      s.name[i] = name;
      // The kind goes with the name (the generator draws it at random per call).
      s.kind[i] = name === 6 || name === 7 || name === 8 ? 1 : 0;
      nameAt[d] = name;
      kidsAt[d] = 0;
    }
  }
}

function floorPassMs(): number {
  const s = performance.now();
  let acc = 0;
  for (const t of model.threads)
    for (let i = 0; i < t.slices.count; i++) acc += t.slices.endNs[i] - t.slices.startNs[i];
  const ms = performance.now() - s;
  if (acc < 0) console.log(acc);
  return ms;
}

/** Best of `runs`: wall ms and CPU ms (user + system) of this process; on a shared machine CPU time is the steadier figure. */
function best(q: AnalysisQuery, runs = 3): { wallMs: number; cpuMs: number } {
  let wallMs = Infinity;
  let cpuMs = Infinity;
  for (let r = 0; r < runs; r++) {
    const s = performance.now();
    const c = process.cpuUsage();
    analyzeSelection(model, q);
    const dc = process.cpuUsage(c);
    wallMs = Math.min(wallMs, performance.now() - s);
    cpuMs = Math.min(cpuMs, (dc.user + dc.system) / 1000);
  }
  return { wallMs, cpuMs };
}

const floor = Math.min(floorPassMs(), floorPassMs(), floorPassMs());
const countPaths = () =>
  analyzeSelection(model, { startNs: model.startNs, endNs: model.endNs, threads: null, perThread: false }).flame.count;
const whole = { startNs: model.startNs, endNs: model.endNs, threads: null, perThread: false };
console.log(`read pass over every slice (floor): ${floor.toFixed(1)} ms`);
for (const shape of ['random names', 'program-like'] as const) {
  if (shape === 'program-like') programLike();
  console.log(`${shape}: ${countPaths()} call paths`);
  const rows: Array<[string, { wallMs: number; cpuMs: number }]> = [
    ['whole trace, threads merged', best(whole)],
    ['whole trace, per thread', best({ ...whole, perThread: true })],
    ['a tenth of the range', best({ ...whole, endNs: model.startNs + (model.endNs - model.startNs) / 10 })],
  ];
  for (const [what, t] of rows) {
    console.log(
      `  ${what}: ${t.wallMs.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU (${(t.wallMs / floor).toFixed(0)}x the read pass)`,
    );
  }
}
