/**
 * The fuzzer's cases: corpus traces of every kind, each damaged by one or two seeded mutations (bit flips, byte
 * runs, truncations, packet header words, metadata numbers and lines, index files). A case is fully determined by
 * (seed, case number), so a failure is reproduced from its two numbers, in any process.
 */
import { prng } from '../src/base/prng';
import { metadataText } from '../src/ctf/metadata';
import { corpusEntries } from '../src/fixtures/corpus';

export interface Entry {
  path: string;
  data: Uint8Array;
}

/** Corpus traces of every kind the viewer opens. */
export const FUZZ_TRACES: readonly string[] = [
  'bt-multi-domains', // kernel + UST session, index files
  'bt-lttng-tracefile-rotation', // kernel, rotated trace files, index files
  'bt-trace-with-index', // UST with index files
  'tc-cyg-profile-glxgears-cyg-profile-fast', // cyg-profile (C function entry/exit)
  'tc-context-switches-context-switches-ust', // UST with context fields
  'tc-hello-lost', // discarded events
  'bt-psn-7-lost-between-2-with-index', // discarded packets, index file
  'bt-psn-2-streams-lost-in-1', // discarded packets
  'tc-flipping-endianness', // big- and little-endian
  'bt-sequence', // sequences
  'tc-ctf-sequence-empty', // empty sequences
  'bt-lttng-crash', // lttng-crash quirks
  'tc-CTF2-7.0-trace-with-index', // CTF 2, index files
  'tc-CTF2-7.0-debug-info', // CTF 2
  'tc-CTF2-vl-ints', // CTF 2 variable-length integers
];

const traceCache = new Map<string, Entry[]>();

export function traceEntries(name: string): Entry[] {
  let e = traceCache.get(name);
  if (!e) {
    e = corpusEntries(name);
    traceCache.set(name, e);
  }
  return e;
}

/** The seed of case `n` of a run: well mixed, so neighbouring cases share nothing. */
export function caseSeed(seed: number, n: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

export interface FuzzCase {
  trace: string;
  mutations: string[];
  entries: Entry[];
}

type Kind = 'stream' | 'metadata' | 'index';

function kindOf(path: string): Kind {
  if (path.endsWith('/metadata')) return 'metadata';
  if (path.endsWith('.idx')) return 'index';
  return 'stream';
}

/** Values that make lengths and offsets impossible, or exactly at a boundary. */
const BOUNDARY_U32 = [
  0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];
const BOUNDARY_TEXT = [
  '0',
  '1',
  '2',
  '3',
  '7',
  '9',
  '31',
  '33',
  '63',
  '65',
  '128',
  '2147483647',
  '2147483648',
  '4294967295',
  '4294967296',
  '9007199254740993',
  '18446744073709551615',
  '-1',
];
const JUNK = [
  '{',
  '}',
  ';',
  '=',
  '[',
  ']',
  '<',
  '>',
  ':',
  '.',
  ',',
  '"',
  '*',
  '-',
  '0x',
  '_',
  '\n',
  ' ... ',
  'struct',
  'variant',
  'enum',
  '"type": "',
  ']]',
  '\u0000',
];

/** The case `n` of run `seed`. */
export function makeCase(seed: number, n: number): FuzzCase {
  const rnd = prng(caseSeed(seed, n));
  const int = (k: number) => Math.floor(rnd() * k);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const trace = pick(FUZZ_TRACES);
  const entries = traceEntries(trace).map((e) => ({ path: e.path, data: e.data }));
  const mutations: string[] = [];
  const count = rnd() < 0.75 ? 1 : 2;
  for (let m = 0; m < count; m++) {
    // Mostly stream files (where the packets are), then metadata, then index files when the trace has some.
    const r = rnd();
    let want: Kind = r < 0.6 ? 'stream' : r < 0.85 ? 'metadata' : 'index';
    if (!entries.some((e) => kindOf(e.path) === want)) want = 'stream';
    const candidates = entries.filter((e) => kindOf(e.path) === want && e.data.length > 0);
    if (candidates.length === 0) continue;
    const target = pick(candidates);
    const what = want === 'metadata' ? mutateMetadata(target, int, pick, rnd) : mutateBytes(target, want, int, pick);
    mutations.push(`${target.path}: ${what}`);
  }
  return { trace, mutations, entries };
}

function mutateBytes(e: Entry, kind: Kind, int: (k: number) => number, pick: <T>(xs: readonly T[]) => T): string {
  const src = e.data;
  const op = kind === 'stream' ? int(6) : int(5);
  const copy = src.slice();
  switch (op) {
    case 0: {
      const n = 1 + int(8);
      const at: number[] = [];
      for (let k = 0; k < n; k++) {
        const bit = int(copy.length * 8);
        copy[bit >>> 3] ^= 1 << (bit & 7);
        at.push(bit);
      }
      e.data = copy;
      return `flip bits ${at.join(',')}`;
    }
    case 1: {
      const at = int(copy.length);
      e.data = copy.subarray(0, at);
      return `truncate to ${at} bytes`;
    }
    case 2: {
      const at = int(copy.length);
      const len = 1 + int(64);
      const v = pick([0x00, 0xff]);
      copy.fill(v, at, Math.min(copy.length, at + len));
      e.data = copy;
      return `fill ${len} bytes at ${at} with 0x${v.toString(16)}`;
    }
    case 3: {
      const at = int(Math.max(1, copy.length - 3)) & ~3;
      const v = pick(BOUNDARY_U32);
      const le = int(2) === 0;
      new DataView(copy.buffer).setUint32(at, v, le);
      e.data = copy;
      return `write ${le ? 'LE' : 'BE'} u32 0x${v.toString(16)} at ${at}`;
    }
    case 4: {
      const at = int(copy.length);
      const v = pick([0x00, 0x01, 0x7f, 0x80, 0xff]);
      copy[at] = v;
      e.data = copy;
      return `set byte ${at} to 0x${v.toString(16)}`;
    }
    default: {
      // A packet header or context word: magic, uuid, stream id, sizes, timestamps, discarded count, cpu.
      const starts: number[] = [];
      const dv = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
      for (let p = 0; p + 4 <= copy.length; p += 4) {
        const w = dv.getUint32(p, true);
        if (w === 0xc1fc1fc1 || w === 0xc11ffcc1) starts.push(p);
      }
      if (starts.length === 0) return mutateBytes(e, 'index', int, pick);
      const start = pick(starts);
      const at = Math.min(copy.length - 8, start + 4 * int(24));
      const wide = int(3) === 0;
      const le = int(2) === 0;
      const v = pick(BOUNDARY_U32);
      if (at < 0) return 'packet header: file too short, unchanged';
      if (wide) dv.setBigUint64(at, int(2) === 0 ? BigInt(v) : BigInt(v) << 32n, le);
      else dv.setUint32(at, v, le);
      e.data = copy;
      return `packet at ${start}: write ${le ? 'LE' : 'BE'} ${wide ? 'u64' : 'u32'} from 0x${v.toString(16)} at ${at}`;
    }
  }
}

function mutateMetadata(
  e: Entry,
  int: (k: number) => number,
  pick: <T>(xs: readonly T[]) => T,
  rnd: () => number,
): string {
  let text: string;
  try {
    text = metadataText(e.data, e.path);
  } catch {
    return mutateBytes(e, 'index', int, pick);
  }
  if (rnd() < 0.15) return mutateBytes(e, 'index', int, pick);
  const lines = text.split('\n');
  const op = int(5);
  let what: string;
  if (op <= 1) {
    // A number in the metadata (array lengths, sizes, alignments, ids, enum values, clock frequencies...).
    // Half the time one of the numbers that size things (array lengths, sizes, alignments, CTF 2 lengths):
    // among hundreds of numbers they would rarely be hit, and they are what makes a decoder loop or allocate.
    const all = [...text.matchAll(/-?\b(0x[0-9a-fA-F]+|\d+)\b/g)];
    const sizing = all.filter((m) =>
      /(\[\s*|(size|align|length|alignment)"?\s*[=:]\s*)$/.test(text.slice(Math.max(0, m.index - 16), m.index)),
    );
    const nums = sizing.length > 0 && rnd() < 0.5 ? sizing : all;
    if (nums.length === 0) return mutateBytes(e, 'index', int, pick);
    const m = pick(nums);
    const v = pick(BOUNDARY_TEXT);
    text = text.slice(0, m.index) + v + text.slice(m.index + m[0].length);
    what = `number '${m[0]}' at char ${m.index} -> ${v}`;
  } else {
    const at = int(lines.length);
    if (op === 2) {
      lines.splice(at, 1);
      what = `delete line ${at + 1}`;
    } else if (op === 3) {
      const other = int(lines.length);
      lines.splice(other, 0, lines[at]);
      what = `copy line ${at + 1} before line ${other + 1}`;
    } else {
      const line = lines[at];
      const col = int(line.length + 1);
      const j = pick(JUNK);
      lines[at] = line.slice(0, col) + j + line.slice(col + (rnd() < 0.5 ? 1 : 0));
      what = `line ${at + 1} col ${col + 1}: insert ${JSON.stringify(j)}`;
    }
    text = lines.join('\n');
  }
  // Written back as plain-text metadata (the packetized form's headers are fuzzed by the byte mutations).
  e.data = new TextEncoder().encode(text);
  return what;
}
