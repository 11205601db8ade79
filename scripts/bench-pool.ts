/**
 * Decode pool benchmark: `npm run bench:pool -- [events]` synthesizes a scale session in memory
 * (3.3 M events make about 100 MB of streams) and times, in this one process and one part after the other:
 * the single-worker path (the pool of one part in one thread), then for 1, 2 and 3 subsets each decode worker's part
 * and the model worker's merge + build. On a machine with enough cores the parts run at the same time, so the
 * pool's time there is about max(part) + model.
 *
 * Then the model step partitioned by thread (src/model/assemble.ts) over the 3 subsets' parts: for K = 1, 2 and 4
 * partitions, the CPU time of each partition's build (merge of every part + its threads) and of the join; a
 * partition of 64 (owning about 1/64 of the threads) shows the shared floor every partition pays; and the copy of
 * every chunk (structuredClone: what each extra model worker costs a decode worker).
 */
import { MemoryDir, synthesizeSession } from '../src/synth/session';
import { decodeFiles } from '../src/worker-api/decode-service';
import {
  subsetInput,
  buildFromParts,
  buildPartitionsFromParts,
  decodeSubset,
  joinPartitions,
  modelInputs,
  planPool,
  type DecodedPart,
  type PartitionedTrace,
} from '../src/worker-api/pool';
import { modelDigest } from '../src/fixtures/model-digest';
import { isDeepStrictEqual } from 'node:util';
import { packedTransferables } from '../src/model/packed-events';
import { unpackInputs } from '../src/worker-api/unpack-service';
import { writeTar } from '../src/ingest/tar';

/** CPU time of f (every thread of the process: GC helpers too), after a full GC of what came before. */
function cpuMs<T>(f: () => T): { value: T; ms: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, ms: (c.user + c.system) / 1000 };
}

const events = Number(process.argv[2] ?? 3_300_000);
const dir = new MemoryDir();
const synth = cpuMs(() => synthesizeSession(dir, { scenario: 'scale', events }));
const r = unpackInputs([{ path: 'scale.tar', data: writeTar(dir.entries('scale/')) }]);
if (!r.ok) throw new Error(r.failure.message);
const files = r.value;
const streamBytes = synth.value.kernel.bytes + synth.value.ust.bytes;
console.log(
  `session: ${(streamBytes / 1e6).toFixed(1)} MB of streams, ${synth.value.kernel.events + synth.value.ust.events} events, ` +
    `${synth.value.kernel.streams + synth.value.ust.streams} streams (synthesized in ${(synth.ms / 1000).toFixed(1)} s)`,
);

// Warm-up: a small session through both paths, so that the first timed run is not the JIT's.
{
  const small = new MemoryDir();
  synthesizeSession(small, { scenario: 'scale', events: 200_000 });
  const s = unpackInputs([{ path: 'small.tar', data: writeTar(small.entries('small/')) }]);
  if (!s.ok) throw new Error(s.failure.message);
  decodeFiles(s.value);
  const plan = planPool(
    s.value.paths,
    s.value.datas.map((d) => d.length),
    2,
  );
  const parts = plan.subsets.map((sub) => {
    const p = decodeSubset(subsetInput(plan, sub, s.value));
    if (!p.ok) throw new Error(p.failure.message);
    return p.value;
  });
  const m = modelInputs(s.value.paths, s.value.datas);
  buildFromParts(m.metadata, m.symbolFiles, parts);
}

const REPEAT = Number(process.env.REPEAT ?? 3);
// Other processes share this machine: every figure is the minimum over REPEAT runs.
let singleMs = Infinity;
let singleEvents = 0;
for (let rep = 0; rep < REPEAT; rep++) {
  const single = cpuMs(() => decodeFiles(files));
  if (!single.value.ok) throw new Error(single.value.failure.message);
  singleMs = Math.min(singleMs, single.ms);
  singleEvents = single.value.value.model.eventCount;
}
console.log(
  `single worker (pool of one part, decode then model in one thread): ${singleMs.toFixed(0)} ms CPU, ${singleEvents} events`,
);

let lastParts: DecodedPart[] = [];
for (const n of [1, 2, 3]) {
  const plan = planPool(
    files.paths,
    files.datas.map((d) => d.length),
    n,
  );
  const partTimes = plan.subsets.map(() => Infinity);
  let modelMs = Infinity;
  let packedBytes = 0;
  let packedRecords = 0;
  for (let rep = 0; rep < REPEAT; rep++) {
    packedBytes = 0;
    packedRecords = 0;
    const parts: DecodedPart[] = plan.subsets.map((sub, k) => {
      const p = cpuMs(() => decodeSubset(subsetInput(plan, sub, files)));
      if (!p.value.ok) throw new Error(p.value.failure.message);
      partTimes[k] = Math.min(partTimes[k], p.ms);
      packedRecords += p.value.value.packed.chunks.reduce((a, c) => a + c.count, 0);
      packedBytes += packedTransferables(p.value.value.packed).reduce((a, b) => a + b.byteLength, 0);
      return p.value.value;
    });
    const m = modelInputs(files.paths, files.datas);
    const built = cpuMs(() => buildFromParts(m.metadata, m.symbolFiles, parts));
    if (!built.value.ok) throw new Error(built.value.failure.message);
    if (built.value.value.model.eventCount !== singleEvents) throw new Error('event counts differ');
    modelMs = Math.min(modelMs, built.ms);
    lastParts = parts;
  }
  const maxPart = Math.max(...partTimes);
  console.log(
    `${n} subset(s): decode parts ${partTimes.map((t) => t.toFixed(0)).join(' + ')} ms CPU (streams MB: ` +
      `${plan.subsetBytes.map((b) => (b / 1e6).toFixed(1)).join(', ')}); merge + model ${modelMs.toFixed(0)} ms CPU; ` +
      `${packedRecords} records packed in ${(packedBytes / 1e6).toFixed(1)} MB. ` +
      `CPU total ${(partTimes.reduce((a, b) => a + b, 0) + modelMs).toFixed(0)} ms; with ${n + 1} free cores the ` +
      `streamed pool takes about max(part, model) = ${Math.max(maxPart, modelMs).toFixed(0)} ms (without overlap ${(maxPart + modelMs).toFixed(0)} ms)`,
  );
}

// The model step by thread partitions, over the last (3 subsets') parts.
{
  const parts = lastParts;
  const m = modelInputs(files.paths, files.datas);
  const chunks = parts.flatMap((p) => p.packed.chunks);
  let copyMs = Infinity;
  for (let rep = 0; rep < REPEAT; rep++)
    copyMs = Math.min(copyMs, cpuMs(() => chunks.map((c) => structuredClone(c))).ms);
  const chunkBytes = parts.reduce((a, p) => a + packedTransferables(p.packed).reduce((x, b) => x + b.byteLength, 0), 0);
  console.log(
    `copy of every chunk (structuredClone, what one more model worker costs the decode workers): ${copyMs.toFixed(0)} ms ` +
      `CPU for ${(chunkBytes / 1e6).toFixed(1)} MB`,
  );
  let reference: unknown = null;
  for (const k of [1, 2, 4, 64]) {
    const run = k === 64 ? [1] : Array.from({ length: k }, (_, i) => i);
    const times = run.map(() => Infinity);
    let joinMs = Infinity;
    let owned: number[] = [];
    let ownedEvents: number[] = [];
    for (let rep = 0; rep < REPEAT; rep++) {
      // Each repetition starts with another partition: the first one built after a join pays for its garbage.
      const outputs = new Array<PartitionedTrace>(run.length);
      for (let step = 0; step < run.length; step++) {
        const i = (step + rep) % run.length;
        const built = cpuMs(() =>
          buildPartitionsFromParts(m.metadata, m.symbolFiles, parts, { count: k, run: [run[i]] }),
        );
        if (!built.value.ok) throw new Error(built.value.failure.message);
        times[i] = Math.min(times[i], built.ms);
        outputs[i] = built.value.value;
      }
      owned = outputs.map((o) => o.partitions[0].threads.length);
      ownedEvents = outputs.map((o) => o.partitions[0].threads.reduce((n, t) => n + t.eventCount, 0));
      if (k === 64) continue;
      const joined = cpuMs(() => joinPartitions(outputs));
      joinMs = Math.min(joinMs, joined.ms);
      if (rep === 0) {
        // The benchmark checks what it times: every K gives the one model.
        const digest = modelDigest(joined.value.model);
        if (reference === null) reference = digest;
        else if (!isDeepStrictEqual(digest, reference)) throw new Error(`${k} partitions built another model`);
      }
    }
    if (k === 64)
      console.log(
        `shared floor: one partition of 64 (${owned[0]} threads of its own): ${times[0].toFixed(0)} ms CPU ` +
          `(the merge of every part's records and the shared kernel state, paid by every partition)`,
      );
    else
      console.log(
        `${k} partition(s): builds ${times.map((t) => t.toFixed(0)).join(' + ')} ms CPU (threads ${owned.join(' + ')}, ` +
          `their events ${ownedEvents.map((n) => `${((100 * n) / singleEvents).toFixed(0)}%`).join(' + ')}); ` +
          `join ${joinMs.toFixed(0)} ms CPU; with one model worker per partition the model step takes about ` +
          `max(build) + join = ${(Math.max(...times) + joinMs).toFixed(0)} ms`,
      );
  }
}
