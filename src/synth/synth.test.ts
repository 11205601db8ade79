/**
 * The synthesized sessions are checked against babeltrace2 (the reference CTF reader): it must read them without a
 * word on stderr, find as many events as the writer reports, and print what the scenario meant (the write syscall,
 * the foo/bar/baz frames, cyg-profile addresses inside foo2, thread states). The project's decoder must agree.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExperiment } from '../ctf/index';
import { readTraceFolder } from '../ctf/node-fs';
import { NodeDir } from './node-dir';
import { BIN_INFO, PREV_STATE, PYTHON } from './scenario';
import { type SynthOptions, type SynthResult, synthesizeSession } from './session';

interface BtEvent {
  /** ns since the epoch. */
  t: bigint;
  name: string;
  cpu: number;
  f: Record<string, string>;
}

function requireBabeltrace(): void {
  const r = spawnSync('babeltrace2', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      'babeltrace2 is required by the synthesizer tests: install it (Debian/Ubuntu: apt-get install babeltrace2)',
    );
  }
}

function babeltrace(dir: string): { events: BtEvent[]; stderr: string } {
  const r = spawnSync('babeltrace2', ['--clock-seconds', '--no-delta', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`babeltrace2 failed (${r.status}): ${r.stderr}`);
  const events = r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      const m = /^\[(\d+)\.(\d{9})\] \S+ (\S+): \{ cpu_id = (\d+) \}, (.*)$/.exec(line);
      if (!m) throw new Error(`unexpected babeltrace2 line: ${line}`);
      const f: Record<string, string> = {};
      for (const kv of m[5].matchAll(/(\w+) = ("(?:[^"\\]|\\.)*"|[^,}\] ]+)/g)) f[kv[1]] = kv[2].replace(/^"|"$/g, '');
      return { t: BigInt(m[1]) * 1_000_000_000n + BigInt(m[2]), name: m[3], cpu: Number(m[4]), f };
    });
  return { events, stderr: r.stderr };
}

function synth(dir: string, opts: SynthOptions): SynthResult {
  rmSync(dir, { recursive: true, force: true });
  return synthesizeSession(new NodeDir(dir), opts);
}

function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    return statSync(join(dir, r)).isDirectory() ? filesUnder(dir, r) : [r];
  });
}

function digest(dir: string): string {
  const h = createHash('sha256');
  for (const f of filesUnder(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

/** Decodes with the project's decoder: (absolute ns, name) of every event. */
function decodeWithProject(dir: string): { t: bigint; name: string; cpu: number | null }[] {
  const exp = openExperiment(readTraceFolder(dir));
  const out: { t: bigint; name: string; cpu: number | null }[] = [];
  exp.decode((e) => out.push({ t: exp.absoluteNs(e.tsNs), name: e.name, cpu: e.cpu }));
  return out;
}

/**
 * Replays sched_switch per CPU: every UST event must come from the thread running on its CPU, outside any syscall,
 * and no thread may be switched in on two CPUs at once. Returns the number of UST events checked.
 */
function checkUstAgainstKernel(events: BtEvent[]): number {
  const running = new Map<number, string>();
  const inSyscall = new Set<string>();
  let checked = 0;
  for (const e of events) {
    if (e.name === 'sched_switch') {
      expect(running.get(e.cpu) ?? e.f.prev_tid, `sched_switch at ${e.t}`).toBe(e.f.prev_tid);
      if (e.f.next_tid !== '0')
        expect([...running.values()], `${e.f.next_tid} runs twice at ${e.t}`).not.toContain(e.f.next_tid);
      running.set(e.cpu, e.f.next_tid);
    } else if (e.name.startsWith('syscall_entry_')) inSyscall.add(running.get(e.cpu) ?? '?');
    else if (e.name.startsWith('syscall_exit_')) inSyscall.delete(running.get(e.cpu) ?? '?');
    else if (e.name.includes(':')) {
      expect(running.get(e.cpu), `${e.name} at ${e.t}`).toBe(e.f.vtid);
      expect(inSyscall.has(e.f.vtid), `${e.name} at ${e.t} inside a syscall`).toBe(false);
      checked++;
    }
  }
  return checked;
}

const sortKey = (e: { t: bigint; name: string; cpu: number | null }) => `${e.t} ${e.cpu} ${e.name}`;

let root = '';
beforeAll(() => {
  requireBabeltrace();
  root = mkdtempSync(join(tmpdir(), 'strata-synth-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('article scenario', () => {
  let dir = '';
  let result: SynthResult;
  let bt: { events: BtEvent[]; stderr: string };
  beforeAll(() => {
    dir = join(root, 'article');
    result = synth(dir, { scenario: 'article' });
    bt = babeltrace(dir);
  });

  it('is read by babeltrace2 without warnings, with the event count the writer reports', () => {
    expect(bt.stderr).toBe('');
    expect(result.kernel.events).toBeGreaterThan(500);
    expect(result.ust.events).toBeGreaterThan(500);
    expect(bt.events.length).toBe(result.kernel.events + result.ust.events);
    expect(filesUnder(dir).sort()).toEqual(
      [
        'kernel/metadata',
        ...[0, 1, 2, 3].flatMap((c) => [`kernel/channel0_${c}`, `kernel/index/channel0_${c}.idx`]),
        'ust/uid/1000/64-bit/metadata',
        ...[0, 1, 2, 3].flatMap((c) => [`ust/uid/1000/64-bit/ust_${c}`, `ust/uid/1000/64-bit/index/ust_${c}.idx`]),
      ].sort(),
    );
  });

  it('writes v1.1 big-endian indexes whose packets tile the stream files', () => {
    for (const f of filesUnder(dir).filter((p) => p.endsWith('.idx'))) {
      const idx = readFileSync(join(dir, f));
      const v = new DataView(idx.buffer, idx.byteOffset, idx.byteLength);
      expect(v.getUint32(0, false)).toBe(0xc1f1dcc1);
      expect([v.getUint32(4, false), v.getUint32(8, false), v.getUint32(12, false)]).toEqual([1, 1, 72]);
      const entries = (idx.length - 16) / 72;
      let offset = 0n;
      for (let i = 0; i < entries; i++) {
        const at = 16 + i * 72;
        expect(v.getBigUint64(at, false)).toBe(offset);
        offset += v.getBigUint64(at + 8, false) / 8n;
        expect(v.getBigUint64(at + 64, false)).toBe(BigInt(i)); // packet_seq_num
      }
      const stream = f.replace('index/', '').replace(/\.idx$/, '');
      expect(offset).toBe(BigInt(statSync(join(dir, stream)).size));
    }
    // 4 KiB sub-buffers: the busiest streams span several packets.
    expect(statSync(join(dir, 'ust/uid/1000/64-bit/ust_3')).size).toBeGreaterThan(4096 * 4);
  });

  it('shows the Python frames foo/bar/baz twice, the second time interleaved with cyg-profile entries in foo2', () => {
    const main = bt.events.filter((e) => e.f.vtid === String(PYTHON.pid) && e.name !== 'lttng_ust_statedump:bin_info');
    const calls = main.filter((e) => e.name === 'python:call').map((e) => e.f.co_name);
    expect(calls).toEqual(['main', 'start', 'foo', 'bar', 'baz', 'foo', 'bar', 'baz', 'put', 'notify']);
    const foo2 = BIN_INFO.find((b) => b.path.includes('foo2'))!;
    const dumped = bt.events.find((e) => e.name === 'lttng_ust_statedump:bin_info' && e.f.path === foo2.path);
    expect(dumped?.f.baddr).toBe(`0x${foo2.baddr.toString(16).toUpperCase()}`);
    const entries = main.filter((e) => e.name === 'lttng_ust_cyg_profile:func_entry');
    expect(entries).toHaveLength(6);
    for (const e of entries) {
      const addr = Number(e.f.addr);
      expect(addr).toBeGreaterThanOrEqual(foo2.baddr);
      expect(addr).toBeLessThan(foo2.baddr + foo2.memsz);
    }
    // Second run: func_entry(wrapper), func_entry(impl), python:call for each level.
    const secondFoo = main.findIndex(
      (e, i) => e.name === 'python:call' && e.f.co_name === 'foo' && main[i - 1]?.name.endsWith('func_entry'),
    );
    expect(main.slice(secondFoo - 2, secondFoo + 7).map((e) => e.name.split(':')[1])).toEqual([
      'func_entry',
      'func_entry',
      'call',
      'func_entry',
      'func_entry',
      'call',
      'func_entry',
      'func_entry',
      'call',
    ]);
  });

  it('makes print() a write(1, ...) syscall of a few microseconds on the main thread', () => {
    const writes = bt.events.filter((e) => e.cpu === 2 && e.name === 'syscall_entry_write' && e.f.fd === '1');
    expect(writes).toHaveLength(2);
    for (const w of writes) {
      const exit = bt.events.find((e) => e.cpu === 2 && e.t >= w.t && e.name === 'syscall_exit_write')!;
      expect(exit.f.ret).toBe('4');
      const durationNs = Number(exit.t - w.t);
      expect(durationNs).toBeGreaterThan(2_000);
      expect(durationNs).toBeLessThan(12_000);
    }
  });

  it('blocks and wakes the worker, preempts the main thread and interrupts it', () => {
    const switches = bt.events.filter((e) => e.name === 'sched_switch');
    const workerBlocks = switches.filter(
      (e) => e.f.prev_tid === String(PYTHON.workerTid) && e.f.prev_state === String(PREV_STATE.interruptible),
    );
    expect(workerBlocks.length).toBeGreaterThanOrEqual(2);
    const wakeup = bt.events.find((e) => e.name === 'sched_wakeup' && e.f.tid === String(PYTHON.workerTid))!;
    expect(wakeup.t).toBeGreaterThan(workerBlocks[0].t);
    expect(
      switches.some((e) => e.f.prev_tid === String(PYTHON.pid) && e.f.prev_state === String(PREV_STATE.preempted)),
    ).toBe(true);
    expect(bt.events.some((e) => e.name === 'irq_handler_entry' && e.cpu === 2)).toBe(true);
    for (const name of [
      'sched_process_fork',
      'sched_process_exec',
      'sched_process_exit',
      'sched_process_free',
      'lttng_statedump_process_state',
    ]) {
      expect(bt.events.some((e) => e.name === name)).toBe(true);
    }
  });

  it("emits a thread's UST events only while the kernel trace shows it running on that CPU, outside syscalls", () => {
    expect(checkUstAgainstKernel(bt.events)).toBe(result.ust.events);
  });

  it('decodes with the project decoder to the same events and times as babeltrace2', () => {
    const ours = decodeWithProject(dir).map(sortKey).sort();
    expect(ours).toEqual(bt.events.map(sortKey).sort());
  });
});

describe('scale scenario', () => {
  it('writes ~50k events that babeltrace2 and the project decoder read identically, deterministic per seed', () => {
    const dir = join(root, 'scale');
    const result = synth(dir, { scenario: 'scale', events: 50_000, seed: 7 });
    const total = result.kernel.events + result.ust.events;
    expect(total).toBeGreaterThanOrEqual(50_000);
    expect(total).toBeLessThan(52_000);
    const bt = babeltrace(dir);
    expect(bt.stderr).toBe('');
    expect(bt.events.length).toBe(total);
    expect(checkUstAgainstKernel(bt.events)).toBe(result.ust.events);
    expect(decodeWithProject(dir).map(sortKey).sort()).toEqual(bt.events.map(sortKey).sort());

    const first = digest(dir);
    synth(dir, { scenario: 'scale', events: 50_000, seed: 7 });
    expect(digest(dir)).toBe(first);
    synth(dir, { scenario: 'scale', events: 50_000, seed: 8 });
    expect(digest(dir)).not.toBe(first);
  });
});
