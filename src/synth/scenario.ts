/**
 * The story the synthesizer tells: the Python program of the "Full stack Python tracing" article (a main thread
 * calling foo -> bar -> baz through the C extension foo1, then through foo2 built with -finstrument-functions, with a
 * print() that makes a write syscall), a worker thread that blocks on a queue, preemption, interrupts, and kernel
 * noise from other processes (bash running date/sleep, gnome-terminal, kworkers, rcu).
 *
 * It is a small discrete-event simulation: each task runs on one CPU from an idle state back to an idle state, so
 * that a thread's user-space (UST) events are only emitted while the kernel trace shows it running on that CPU.
 * Times are monotonic-clock nanoseconds (JS numbers, exact below 2^53).
 */
import type { FieldInput } from './ctf-writer';
import { KERNEL_EVENTS, UST_EVENTS, eventIdsByName } from './layouts';
import { prng } from '../base/prng';

export interface EventSink {
  kernel(ts: number, cpu: number, classId: number, values: FieldInput[]): void;
  ust(ts: number, cpu: number, classId: number, values: FieldInput[], context: FieldInput[]): void;
}

const KID = eventIdsByName(KERNEL_EVENTS);
const UID = eventIdsByName(UST_EVENTS);

// Event names of syscalls, built once: string concatenation per event is measurable at GB scale.
const SYSCALL_ENTRY = new Map<string, string>();
const SYSCALL_EXIT = new Map<string, string>();
for (const { name } of KERNEL_EVENTS) {
  if (name.startsWith('syscall_entry_')) SYSCALL_ENTRY.set(name.slice(14), name);
  if (name.startsWith('syscall_exit_')) SYSCALL_EXIT.set(name.slice(13), name);
}

function kid(name: string): number {
  const id = KID.get(name);
  if (id === undefined) throw new Error(`no kernel event class ${name}`);
  return id;
}
function uid(name: string): number {
  const id = UID.get(name);
  if (id === undefined) throw new Error(`no UST event class ${name}`);
  return id;
}

/** sched_switch prev_state as lttng-modules reports it on kernels >= 4.14. */
export const PREV_STATE = {
  running: 0,
  interruptible: 0x1,
  uninterruptible: 0x2,
  dead: 0x10,
  zombie: 0x20,
  idle: 0x80,
  preempted: 0x100,
} as const;

/** lttng_statedump_process_state status codes. */
const SD_WAIT_CPU = 2;
const SD_WAIT = 5;

const SOFTIRQ = { TIMER: 1, NET_RX: 3, BLOCK: 4, SCHED: 7, RCU: 9 } as const;

const FUTEX_WAIT_BITSET_PRIVATE = 137;
const FUTEX_WAKE_PRIVATE = 129;
const CLOCK_MONOTONIC = 1;
const CLONE_THREAD_FLAGS = 0x3d0f00;
const CLONE_FORK_FLAGS = 0x1200011;
const TIOCGWINSZ = 0x5413;

export interface Thread {
  tid: number;
  pid: number;
  ppid: number;
  comm: string;
  /** prio as the sched events report it (kernel prio - MAX_RT_PRIO). */
  prio: number;
  kernelThread: boolean;
  /** Has lttng-ust loaded with the vpid/vtid/procname contexts. */
  ust: boolean;
  state: 'running' | 'runnable' | 'blocked' | 'dead';
}

/** A task body. Generators `yield` to let tasks of other CPUs that start earlier run first. */
type Step = Generator<void, void, void>;
type Cont = (c: Cpu) => Step | void;

function* drive(g: Step | void): Step {
  if (g) yield* g;
}

interface RunqueueEntry {
  thread: Thread;
  readyAt: number;
  cont: Cont;
}

interface Task {
  at: number;
  seq: number;
  cpu: number;
  run: Cont;
  /** A paused task body, resumed with its CPU cursor. */
  resume?: { gen: Step; c: Cpu };
}

/** Addresses of the article's process: a PIE python3, and foo2 built with -finstrument-functions. */
export const PYTHON = {
  pid: 4242,
  workerTid: 4243,
  listenerTid: 4244,
  pythonBase: 0x55d0a4a00000,
  foo2Base: 0x7f3a1b400000,
  /** Return address inside libpython's vectorcall (where the Cython wrappers are called from). */
  get pyCallSite() {
    return this.pythonBase + 0x1b2f47;
  },
} as const;

/** Offsets of the Cython wrapper (`__pyx_pw_`) and implementation (`__pyx_pf_`) of each function in foo2. */
export const FOO2_SYMBOLS: Record<string, { pw: number; pf: number }> = {
  foo: { pw: 0x3a10, pf: 0x35c0 },
  bar: { pw: 0x3860, pf: 0x3470 },
  baz: { pw: 0x36b0, pf: 0x3320 },
};

export const BIN_INFO: { path: string; baddr: number; memsz: number; buildId: string | null }[] = [
  {
    path: '/usr/bin/python3.11',
    baddr: PYTHON.pythonBase,
    memsz: 0x2d4000,
    buildId: '3a8c9e1f0b7d54e26a1c8f93d0e4b7a2c5f61d08',
  },
  {
    path: '/usr/lib/x86_64-linux-gnu/libc.so.6',
    baddr: 0x7f3a1c200000,
    memsz: 0x1f5000,
    buildId: '82ce4e6e4ef08fa58a3535f7437bd3e592db5ac0',
  },
  {
    path: '/usr/lib/x86_64-linux-gnu/liblttng-ust.so.1.0.0',
    baddr: 0x7f3a1bc00000,
    memsz: 0x62000,
    buildId: 'f0a49c2b7e0d3c5a1e6b8d4f2a9c7e5b3d1f0a2c',
  },
  {
    path: '/usr/lib/x86_64-linux-gnu/liblttng-ust-cyg-profile.so.1.0.0',
    baddr: 0x7f3a1bb00000,
    memsz: 0x5000,
    buildId: '1d5e7a9c3b2f4e6d8a0c1b3e5f7a9d2c4e6b8a01',
  },
  {
    path: '/home/user/python-profile-ust/linuxProfile/_linuxProfile.cpython-311-x86_64-linux-gnu.so',
    baddr: 0x7f3a1b800000,
    memsz: 0x9000,
    buildId: '6b2d8f4a0c6e2b8d4f0a6c2e8b4d0f6a2c8e4b0d',
  },
  {
    path: '/home/user/fullstack/foo1.cpython-311-x86_64-linux-gnu.so',
    baddr: 0x7f3a1b600000,
    memsz: 0x1c000,
    buildId: '9e3b1d7f5a3c1e9b7d5f3a1c9e7b5d3f1a9c7e5b',
  },
  {
    path: '/home/user/fullstack/foo2.cpython-311-x86_64-linux-gnu.so',
    baddr: PYTHON.foo2Base,
    memsz: 0x22000,
    buildId: 'c47a2e9d1b8f6a3c5e0d7b4a9f2c6e1d8b3a5f70',
  },
  { path: '[vdso]', baddr: 0x7ffd3b9f4000, memsz: 0x2000, buildId: null },
];

function hexBytes(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** One CPU inside a task: a time cursor and the events that advance it. */
export class Cpu {
  t: number;
  constructor(
    private readonly sim: Simulation,
    readonly cpu: number,
    at: number,
  ) {
    this.t = at;
  }

  get current(): Thread {
    return this.sim.current[this.cpu];
  }

  /** Advances by `ns` jittered by +-25%. */
  adv(ns: number): this {
    this.t += Math.max(1, Math.round(ns * (0.75 + 0.5 * this.sim.rand())));
    return this;
  }

  /**
   * Events of one CPU get distinct, increasing times: a kernel and a UST event at the same nanosecond would have
   * no defined order once the two traces are merged.
   */
  private stamp(): void {
    const last = this.sim.lastTs[this.cpu];
    if (this.t <= last) this.t = last + 1;
    this.sim.lastTs[this.cpu] = this.t;
  }

  k(name: string, values: FieldInput[]): this {
    this.stamp();
    this.sim.sink.kernel(this.t, this.cpu, kid(name), values);
    this.sim.count++;
    return this;
  }

  u(name: string, values: FieldInput[] = []): this {
    const th = this.current;
    if (!th.ust) throw new Error(`UST event ${name} on cpu ${this.cpu} while ${th.comm} (${th.tid}) runs`);
    this.stamp();
    this.sim.sink.ust(this.t, this.cpu, uid(name), values, [th.pid, th.tid, th.comm]);
    this.sim.count++;
    return this;
  }

  /** Python frame entry / exit as the python-profile-ust hook reports them. */
  call(name: string): this {
    return this.adv(900).u('python:call', [name]);
  }
  ret(): this {
    return this.adv(700).u('python:return');
  }
  cCall(name: string): this {
    return this.adv(600).u('python:c_call', [name]);
  }
  cRet(): this {
    return this.adv(500).u('python:c_return');
  }

  sysEntry(name: string, args: FieldInput[]): this {
    return this.k(SYSCALL_ENTRY.get(name) ?? `syscall_entry_${name}`, args);
  }
  sysExit(name: string, ret: number, out: FieldInput[] = []): this {
    return this.k(SYSCALL_EXIT.get(name) ?? `syscall_exit_${name}`, [ret, ...out]);
  }
  /** A syscall that does not block: entry, `during`, exit. */
  sys(
    name: string,
    args: FieldInput[],
    durNs: number,
    ret: number,
    out: FieldInput[] = [],
    during?: (c: Cpu) => unknown,
  ): this {
    this.sysEntry(name, args).adv(durNs / 2);
    during?.(this);
    return this.adv(durNs / 2).sysExit(name, ret, out);
  }

  switchTo(next: Thread, prevState: number): this {
    const prev = this.current;
    this.k('sched_switch', [prev.comm, prev.tid, prev.prio, prevState, next.comm, next.tid, next.prio]);
    prev.state =
      prevState === PREV_STATE.running || prevState === PREV_STATE.preempted
        ? 'runnable'
        : prevState === PREV_STATE.zombie || prevState === PREV_STATE.dead
          ? 'dead'
          : 'blocked';
    next.state = 'running';
    this.sim.current[this.cpu] = next;
    return this;
  }

  /**
   * Wakes `thread` (if it sleeps) from this CPU; it runs `cont` on `targetCpu` as soon as that CPU is free.
   * Returns whether a wakeup happened.
   */
  wake(thread: Thread, targetCpu: number, cont: Cont, latencyNs = 4000): boolean {
    if (thread.state !== 'blocked') return false;
    this.k('sched_waking', [thread.comm, thread.tid, thread.prio, targetCpu]).adv(800);
    this.k('sched_wakeup', [thread.comm, thread.tid, thread.prio, targetCpu]);
    thread.state = 'runnable';
    this.sim.enqueue(targetCpu, thread, this.t + latencyNs, cont);
    return true;
  }

  /**
   * The current thread stops running with `prevState`; the next runnable thread of this CPU, or idle, follows.
   * Returns that thread's body, which the caller must run (`return c.block(...)` or `yield* drive(c.block(...))`).
   */
  block(prevState: number): Step | void {
    const rq = this.sim.runqueue[this.cpu];
    const i = rq.findIndex((e) => e.readyAt <= this.t);
    if (i >= 0) {
      const [e] = rq.splice(i, 1);
      this.adv(1500).switchTo(e.thread, prevState);
      return e.cont(this.adv(1000));
    }
    this.adv(1500).switchTo(this.sim.idle[this.cpu], prevState);
  }

  irq(irq: number, name: string, durNs: number, softirq?: number): this {
    this.k('irq_handler_entry', [irq, name]).adv(durNs);
    if (softirq !== undefined) this.k('irq_softirq_raise', [softirq]).adv(300);
    this.k('irq_handler_exit', [irq, 1]);
    if (softirq !== undefined)
      this.adv(400)
        .k('irq_softirq_entry', [softirq])
        .adv(durNs * 2)
        .k('irq_softirq_exit', [softirq]);
    return this;
  }
}

export class Simulation {
  readonly current: Thread[];
  readonly idle: Thread[];
  readonly runqueue: RunqueueEntry[][];
  private readonly freeAt: number[];
  /** CPUs whose running task is paused: their other tasks wait. */
  private readonly held: boolean[];
  /** Time of the last event of each CPU. */
  readonly lastTs: number[];
  private queue: Task[] = [];
  private seq = 0;
  count = 0;

  constructor(
    readonly sink: EventSink,
    readonly cpus: number,
    readonly rand: () => number,
    startTs: number,
  ) {
    this.idle = Array.from({ length: cpus }, (_, cpu) =>
      this.thread(0, 0, 0, `swapper/${cpu}`, { kernelThread: true }),
    );
    this.idle.forEach((th) => (th.state = 'running'));
    this.current = [...this.idle];
    this.runqueue = Array.from({ length: cpus }, () => []);
    this.freeAt = Array(cpus).fill(startTs);
    this.held = Array(cpus).fill(false);
    this.lastTs = Array(cpus).fill(0);
  }

  thread(tid: number, pid: number, ppid: number, comm: string, opts: Partial<Thread> = {}): Thread {
    return { tid, pid, ppid, comm, prio: 20, kernelThread: false, ust: false, state: 'blocked', ...opts };
  }

  /** Runs `run` on `cpu` at `at`, or when the CPU becomes free. */
  at(at: number, cpu: number, run: Cont): void {
    this.queue.push({ at, seq: this.seq++, cpu, run });
  }

  enqueue(cpu: number, thread: Thread, readyAt: number, cont: Cont): void {
    this.runqueue[cpu].push({ thread, readyAt, cont });
    this.at(readyAt, cpu, (c) => {
      const rq = this.runqueue[cpu];
      const i = rq.findIndex((e) => e.thread === thread);
      if (i < 0) return; // already switched in by a thread that blocked on this CPU
      const [e] = rq.splice(i, 1);
      c.switchTo(thread, PREV_STATE.running);
      return e.cont(c.adv(1000));
    });
  }

  /** Processes tasks in time order until none is left; returns the time all CPUs are idle again. */
  drain(): number {
    while (this.queue.length > 0) {
      let best = -1;
      for (let i = 0; i < this.queue.length; i++) {
        const a = this.queue[i];
        if (this.held[a.cpu] && !a.resume) continue;
        const b = this.queue[best];
        if (best < 0 || a.at < b.at || (a.at === b.at && a.seq < b.seq)) best = i;
      }
      const [task] = this.queue.splice(best, 1);
      const c = task.resume?.c ?? new Cpu(this, task.cpu, Math.max(task.at, this.freeAt[task.cpu]));
      const gen = task.resume ? task.resume.gen : task.run(c);
      this.held[task.cpu] = false;
      if (gen && !gen.next().done) {
        // Paused: resume at the cursor, after the tasks of other CPUs that start before it.
        this.held[task.cpu] = true;
        this.queue.push({ at: c.t, seq: this.seq++, cpu: task.cpu, run: task.run, resume: { gen, c } });
        continue;
      }
      if (this.current[task.cpu] !== this.idle[task.cpu]) {
        throw new Error(`task on cpu ${task.cpu} ended with ${this.current[task.cpu].comm} running`);
      }
      this.freeAt[task.cpu] = c.t + 1;
    }
    return Math.max(...this.freeAt);
  }
}

/** The article's machine, processes and the per-round story. */
export class ArticleStory {
  readonly sim: Simulation;
  private nextTid = 5100;
  readonly main: Thread;
  readonly worker: Thread;
  readonly listener: Thread;
  private readonly sessiond: Thread;
  private readonly terminal: Thread;
  private readonly xorg: Thread;
  private readonly bash: Thread;
  private readonly pyShell: Thread;
  private readonly rcu: Thread;
  private readonly kworkers: Thread[];
  private sleeper: Thread;
  private workerStarted = false;
  private round = 0;

  constructor(
    sink: EventSink,
    readonly startTs: number,
    seed: number,
  ) {
    const cpus = 4;
    this.sim = new Simulation(sink, cpus, prng(seed), startTs);
    const sim = this.sim;
    const kt = { kernelThread: true };
    this.rcu = sim.thread(15, 15, 2, 'rcu_sched', kt);
    this.kworkers = [47, 88, 112, 131].map((tid, cpu) => sim.thread(tid, tid, 2, `kworker/${cpu}:1`, kt));
    this.sessiond = sim.thread(1500, 1498, 1, 'lttng-sessiond', { prio: 20 });
    this.xorg = sim.thread(1100, 1100, 1050, 'Xorg');
    this.terminal = sim.thread(1800, 1800, 1650, 'gnome-terminal-');
    this.bash = sim.thread(2001, 2001, 1800, 'bash');
    this.pyShell = sim.thread(2002, 2002, 1800, 'bash');
    this.main = sim.thread(PYTHON.pid, PYTHON.pid, 2002, 'python3', { ust: true });
    this.listener = sim.thread(PYTHON.listenerTid, PYTHON.pid, 2002, 'python3', { ust: true });
    this.worker = sim.thread(PYTHON.workerTid, PYTHON.pid, 2002, 'python3', { ust: true, state: 'dead' });
    this.sleeper = sim.thread(this.nextTid++, this.nextTid - 1, 2001, 'sleep');
    // lttng-sessiond is the thread that started tracing, on CPU 0.
    sim.current[0] = this.sessiond;
    this.sessiond.state = 'running';
    this.idle.forEach((th, cpu) => (th.state = cpu === 0 ? 'runnable' : 'running'));
  }

  private get idle(): Thread[] {
    return this.sim.idle;
  }

  private newTid(): number {
    return this.nextTid++;
  }

  /** `lttng start`: the kernel statedump (in lttng-sessiond), then the UST statedump of python3's listener thread. */
  prologue(): void {
    const sim = this.sim;
    sim.at(this.startTs, 0, (c) => {
      c.adv(2000).k('lttng_statedump_start', []);
      const listed: Thread[] = [
        sim.thread(1, 1, 0, 'systemd'),
        sim.thread(2, 2, 0, 'kthreadd', { kernelThread: true }),
        this.rcu,
        ...this.kworkers,
        sim.thread(1498, 1498, 1, 'lttng-sessiond'),
        this.sessiond,
        this.xorg,
        this.terminal,
        this.bash,
        this.pyShell,
        this.main,
        this.listener,
        this.sleeper,
      ];
      for (const th of listed) {
        const status = th === this.sessiond ? SD_WAIT_CPU : SD_WAIT;
        const cpu = th === this.main ? 2 : th === this.listener ? 3 : th.tid % 4;
        const files = th.kernelThread ? 0 : 0xffff8a0f00000000 / 0x10000 + th.pid * 0x40;
        c.adv(3000).k('lttng_statedump_process_state', [
          th.tid,
          th.pid,
          th.ppid,
          th.comm,
          th.kernelThread ? 1 : 0,
          5,
          0,
          status,
          cpu,
          files * 0x10000,
        ]);
      }
      c.adv(2000).k('lttng_statedump_end', []);
      // The start ioctl returns; sessiond tells the application's listener thread (over its socket) to dump.
      c.adv(1500).sysExit('ioctl', 0, [0]);
      c.sys('write', [44, 0x7ffc2e3a1b40, 48], 4000, 48, [], (cc) =>
        cc.wake(this.listener, 3, (l) => this.ustStatedump(l)),
      );
      c.adv(3000).sysEntry('poll', [0x7ffc2e3a1c00, 3, -1]);
      return c.block(PREV_STATE.interruptible);
    });
  }

  private ustStatedump(c: Cpu): Step | void {
    c.sysExit('read', 48, [0x7f3a1a7fd9c0]);
    c.adv(5000).u('lttng_ust_statedump:start');
    for (const bin of BIN_INFO) {
      c.adv(2500).u('lttng_ust_statedump:bin_info', [bin.baddr, bin.memsz, bin.path, 1, bin.buildId ? 1 : 0, 0]);
      if (bin.buildId) {
        const id = hexBytes(bin.buildId);
        c.adv(1200).u('lttng_ust_statedump:build_id', [bin.baddr, id.length, id]);
      }
    }
    c.adv(2000).u('lttng_ust_statedump:end');
    c.sys('write', [5, 0x7f3a1a7fdb00, 16], 3000, 16);
    c.adv(1000).sysEntry('read', [5, 48]);
    return c.block(PREV_STATE.interruptible);
  }

  /** One iteration of the Python program's loop: `main()` then `time.sleep(...)`. */
  runRound(at: number, withPython = true): void {
    const sim = this.sim;
    const round = withPython ? this.round++ : -1;
    // The hrtimer of time.sleep() fires on the idle CPU 2.
    if (withPython)
      sim.at(at, 2, (c) => {
        c.k('sched_waking', [this.main.comm, this.main.tid, this.main.prio, 2]).adv(700);
        c.k('sched_wakeup', [this.main.comm, this.main.tid, this.main.prio, 2]).adv(1500);
        c.switchTo(this.main, PREV_STATE.running).adv(1200);
        return this.mainIteration(c, round);
      });
    // bash's `while sleep 0.004; do date; done` in another tab.
    sim.at(at + 60_000 + Math.round(sim.rand() * 300_000), 0, (c) => this.shellLoop(c));
    // Periodic kernel housekeeping.
    sim.at(at + Math.round(sim.rand() * 500_000), 0, (c) => this.kthreadBurst(c, this.rcu));
    sim.at(at + Math.round(sim.rand() * 800_000), 1, (c) => this.kthreadBurst(c, this.kworkers[1]));
    sim.at(at + 200_000 + Math.round(sim.rand() * 600_000), 0, (c) => {
      c.irq(31, 'enp0s31f6', 2500, SOFTIRQ.NET_RX);
      if (sim.rand() < 0.5) return this.kthreadBurst(c, this.kworkers[0]);
    });
  }

  private kthreadBurst(c: Cpu, th: Thread): Step | void {
    if (th.state !== 'blocked') return;
    c.k('irq_softirq_raise', [SOFTIRQ.TIMER]).adv(400).k('irq_softirq_entry', [SOFTIRQ.TIMER]).adv(1500);
    c.k('sched_waking', [th.comm, th.tid, th.prio, c.cpu])
      .adv(600)
      .k('sched_wakeup', [th.comm, th.tid, th.prio, c.cpu]);
    c.adv(1200).k('irq_softirq_exit', [SOFTIRQ.TIMER]).adv(2000);
    c.switchTo(th, PREV_STATE.running).adv(8000 + 10000 * this.sim.rand());
    return c.block(PREV_STATE.idle);
  }

  private *mainIteration(c: Cpu, round: number): Step {
    const sim = this.sim;
    const main = this.main;
    if (round === 0) {
      c.sysExit('clock_nanosleep', 0, [0]);
      // api.enable_ust() installs the profile hook: Python events start here.
    } else {
      c.sysExit('clock_nanosleep', 0, [0]).cRet();
    }
    c.call('main');
    if (!this.workerStarted) {
      this.workerStarted = true;
      c.call('start').cCall('start_new_thread');
      c.adv(1500).sysEntry('clone', [CLONE_THREAD_FLAGS, 0x7f3a19ffee70, 0x7f3a19fff9d0, 0x7f3a19fff9d0]).adv(9000);
      const w = this.worker;
      c.k('sched_process_fork', [
        main.comm,
        main.tid,
        main.pid,
        0xeffffffc,
        w.comm,
        w.tid,
        1,
        [w.tid],
        w.pid,
        0xeffffffc,
      ]);
      w.state = 'blocked';
      c.adv(2500).k('sched_wakeup_new', [w.comm, w.tid, w.prio, 3]);
      w.state = 'runnable';
      sim.enqueue(3, w, c.t + 3000, (wc) => this.workerStart(wc));
      c.adv(3000).sysExit('clone', w.tid).cRet().ret();
    }

    // foo1: built without instrumentation; only the Cython profile hook reports the Python-level frames.
    c.call('foo').adv(2000).call('bar').adv(3000);
    // The scheduler tick finds kworker/2:1 runnable: main is preempted (waiting for CPU) for a few microseconds.
    if (round === 0 || sim.rand() < 0.4) this.preempt(c);
    c.adv(2500).call('baz').adv(1500);
    yield;
    this.print(c);
    c.ret().ret().ret();

    // foo2: -finstrument-functions adds func_entry/func_exit around the Cython wrapper and implementation.
    this.enterC(c, 'foo').adv(1500);
    this.enterC(c, 'bar').adv(2000);
    this.enterC(c, 'baz').adv(1200);
    // A device interrupt lands on CPU 2 while baz runs.
    if (round === 0 || sim.rand() < 0.3) c.adv(800).irq(129, 'nvme0q3', 3000, SOFTIRQ.BLOCK).adv(800);
    yield;
    this.print(c);
    this.exitC(c, 'baz');
    this.exitC(c, 'bar');
    this.exitC(c, 'foo');

    // q.put(item) wakes the worker blocked in q.get().
    c.call('put').call('notify').cCall('release');
    yield;
    c.sys('futex', [0x7f3a1a2c4e60, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0], 5000, 1, [0x7f3a1a2c4e60, 0], (cc) =>
      cc.wake(this.worker, 3, (wc) => this.workerItem(wc, round)),
    );
    c.cRet().ret().ret();
    c.ret(); // main
    // time.sleep(0.002)
    c.cCall('sleep').adv(1500).sysEntry('clock_nanosleep', [CLOCK_MONOTONIC, 0, 0x7ffc2e3a2a10]);
    yield* drive(c.block(PREV_STATE.interruptible));
  }

  private enterC(c: Cpu, fn: string): Cpu {
    const sym = FOO2_SYMBOLS[fn];
    const pw = PYTHON.foo2Base + sym.pw;
    c.adv(700).u('lttng_ust_cyg_profile:func_entry', [pw, PYTHON.pyCallSite]);
    c.adv(500).u('lttng_ust_cyg_profile:func_entry', [PYTHON.foo2Base + sym.pf, pw + 0x2c]);
    return c.call(fn);
  }

  private exitC(c: Cpu, fn: string): void {
    const sym = FOO2_SYMBOLS[fn];
    const pw = PYTHON.foo2Base + sym.pw;
    c.ret();
    c.adv(400).u('lttng_ust_cyg_profile:func_exit', [PYTHON.foo2Base + sym.pf, pw + 0x2c]);
    c.adv(400).u('lttng_ust_cyg_profile:func_exit', [pw, PYTHON.pyCallSite]);
  }

  /** print(): a write(1, ...) of a few microseconds that wakes the terminal emulator. */
  private print(c: Cpu): void {
    c.cCall('print').adv(1500);
    c.sys('write', [1, 0x7f3a1b0a3f20, 4], 5600, 4, [], (cc) =>
      cc.wake(this.terminal, 1, (tc) => this.terminalRedraw(tc)),
    );
    c.cRet();
  }

  private preempt(c: Cpu): void {
    const kw = this.kworkers[2];
    c.adv(1000).k('irq_softirq_raise', [SOFTIRQ.TIMER]).adv(500).k('irq_softirq_entry', [SOFTIRQ.TIMER]).adv(1500);
    c.k('sched_waking', [kw.comm, kw.tid, kw.prio, 2]).adv(600).k('sched_wakeup', [kw.comm, kw.tid, kw.prio, 2]);
    c.adv(1000).k('irq_softirq_exit', [SOFTIRQ.TIMER]).adv(1200);
    c.switchTo(kw, PREV_STATE.preempted).adv(18000);
    c.adv(1200).switchTo(this.main, PREV_STATE.idle).adv(1000);
  }

  /** The worker thread's first run: returns from clone, enters its target and blocks in q.get(). */
  private workerStart(c: Cpu): Step | void {
    c.sysExit('clone', 0);
    c.call('_bootstrap').call('_bootstrap_inner').call('run').call('worker');
    return this.workerBlock(c);
  }

  private workerBlock(c: Cpu): Step | void {
    c.call('get').call('wait').cCall('acquire').adv(1000);
    c.sysEntry('futex', [0x7f3a1a2c4e60, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, 0, 0xffffffff]);
    return c.block(PREV_STATE.interruptible);
  }

  /** The worker got an item: checksums it in Python, then waits for the next one. */
  private *workerItem(c: Cpu, round: number): Step {
    const sim = this.sim;
    c.sysExit('futex', 0, [0x7f3a1a2c4e60, 0]).cRet().ret().ret();
    c.call('process');
    const blocks = round === 0 ? 250 : 5 + Math.floor(sim.rand() * 40);
    for (let i = 0; i < blocks; i++) {
      c.call('checksum').cCall('sum').adv(2500).cRet().ret();
      if (i % 37 === 36) c.adv(500).irq(31, 'enp0s31f6', 2000, SOFTIRQ.NET_RX);
    }
    c.call('log').cCall('print').adv(1200);
    yield;
    c.sys('write', [1, 0x7f3a1b0a3f20, 22], 6200, 22, [], (cc) =>
      cc.wake(this.terminal, 1, (tc) => this.terminalRedraw(tc)),
    );
    c.cRet().ret();
    c.ret(); // process
    yield* drive(this.workerBlock(c));
  }

  /** gnome-terminal reads the pty and asks Xorg to redraw. */
  private terminalRedraw(c: Cpu): Step | void {
    const sim = this.sim;
    c.sysExit('epoll_wait', 1, [0x7ffd8c1e4a50]).adv(2000);
    c.sys('read', [14, 4096], 3500, 4, [0x55e4b8a1c000]).adv(6000);
    c.sys('ioctl', [14, TIOCGWINSZ, 0x7ffd8c1e49f0], 1500, 0, [0x7ffd8c1e49f0]).adv(12000);
    c.sys('write', [5, 0x55e4b8f3e100, 312], 4000, 312, [], (cc) =>
      cc.wake(this.xorg, 1, (xc) => this.xorgFrame(xc), 2000),
    );
    c.adv(3000).sys('poll', [0x7ffd8c1e4b00, 2, 0], 1500, 1, [0x7ffd8c1e4b00]).adv(2000);
    c.sysEntry('epoll_wait', [3, 16, Math.round(sim.rand() * 100)]);
    return c.block(PREV_STATE.interruptible);
  }

  private xorgFrame(c: Cpu): Step | void {
    c.sysExit('epoll_wait', 1, [0x7ffe1a2b3c40]).adv(1500);
    c.sys('read', [5, 4096], 2500, 312, [0x55a1d0e00000]).adv(8000);
    for (let i = 0; i < 3; i++)
      c.sys('ioctl', [12, 0xc04064a0, 0x7ffe1a2b3a00 + i * 64], 6000, 0, [0x7ffe1a2b3a00]).adv(3000);
    c.sys('write', [5, 0x55a1d0e01000, 32], 3000, 32).adv(1500);
    c.sysEntry('epoll_wait', [3, 256, -1]);
    return c.block(PREV_STATE.interruptible);
  }

  /** bash in another tab runs `while sleep 0.004; do date; done`: sleep exits, date is forked and execs. */
  private *shellLoop(c: Cpu): Step {
    const sim = this.sim;
    const s = this.sleeper;
    const bash = this.bash;
    c.k('sched_waking', [s.comm, s.tid, s.prio, 0]).adv(700).k('sched_wakeup', [s.comm, s.tid, s.prio, 0]).adv(1500);
    c.switchTo(s, PREV_STATE.running).adv(1500);
    c.sysExit('clock_nanosleep', 0, [0]).adv(20000);
    this.exitProcess(c, s);

    // bash reaps the sleep, forks date.
    c.sysExit('wait4', s.tid, [0x7ffc11d2e3c0, 0]).adv(15000);
    const date = sim.thread(this.newTid(), 0, bash.pid, 'bash');
    date.pid = date.tid;
    this.fork(c, bash, date);
    c.adv(4000).sysEntry('wait4', [-1, 0]);
    c.adv(1500).switchTo(date, PREV_STATE.interruptible).adv(2000);
    c.sysExit('clone', 0).adv(30000);
    this.exec(c, date, '/usr/bin/date');
    c.sys('mmap', [0, 8192, 3, 34, -1, 0], 3000, 0x7f0e8c3f1000).adv(4000);
    c.sys('openat', [-100, '/etc/localtime', 0x80000, 0], 7000, 3).adv(2000);
    c.sys('read', [3, 4096], 5000, 2298, [0x55f0c1a2b000]).adv(1500);
    c.sys('close', [3], 1500, 0).adv(25000);
    yield;
    c.sys('write', [1, 0x55f0c1a2c2a0, 32], 6000, 32, [], (cc) =>
      cc.wake(this.terminal, 1, (tc) => this.terminalRedraw(tc)),
    );
    c.adv(3000).sys('munmap', [0x7f0e8c3f1000, 8192], 4000, 0).adv(2000);
    this.exitProcess(c, date);

    // The previous sleep's task struct is freed after an RCU grace period.
    c.adv(2000).k('irq_softirq_raise', [SOFTIRQ.RCU]).adv(500).k('irq_softirq_entry', [SOFTIRQ.RCU]).adv(1000);
    c.k('sched_process_free', [s.comm, s.tid, s.prio]).adv(1500).k('irq_softirq_exit', [SOFTIRQ.RCU]).adv(1000);

    c.sysExit('wait4', date.tid, [0x7ffc11d2e3c0, 0]).adv(12000);
    const next = sim.thread(this.newTid(), 0, bash.pid, 'bash');
    next.pid = next.tid;
    this.fork(c, bash, next);
    c.adv(4000).sysEntry('wait4', [-1, 0]);
    c.adv(1500).switchTo(next, PREV_STATE.interruptible).adv(2000);
    c.sysExit('clone', 0).adv(25000);
    this.exec(c, next, '/usr/bin/sleep');
    c.adv(20000).sysEntry('clock_nanosleep', [CLOCK_MONOTONIC, 0, 0x7ffd0e5c1f30]);
    this.sleeper = next;
    yield* drive(c.block(PREV_STATE.interruptible));
    // date's task struct goes later, in the next loop (kept simple: freed now in the RCU softirq of CPU 0).
    c.adv(5000).k('irq_softirq_raise', [SOFTIRQ.RCU]).adv(500).k('irq_softirq_entry', [SOFTIRQ.RCU]).adv(1000);
    c.k('sched_process_free', [date.comm, date.tid, date.prio]).adv(1500).k('irq_softirq_exit', [SOFTIRQ.RCU]);
  }

  private fork(c: Cpu, parent: Thread, child: Thread): void {
    c.sysEntry('clone', [CLONE_FORK_FLAGS, 0, 0, 0x7f5b2c1d0a10]).adv(35000);
    c.k('sched_process_fork', [
      parent.comm,
      parent.tid,
      parent.pid,
      0xeffffffc,
      child.comm,
      child.tid,
      1,
      [child.tid],
      child.pid,
      0xeffffffc,
    ]);
    c.adv(3000).k('sched_wakeup_new', [child.comm, child.tid, child.prio, c.cpu]);
    child.state = 'runnable';
    c.adv(3000).sysExit('clone', child.tid);
  }

  private exec(c: Cpu, th: Thread, path: string): void {
    c.sysEntry('execve', [path, 0x55f0c19e2a40, 0x55f0c19e1200]).adv(60000);
    th.comm = path.slice(path.lastIndexOf('/') + 1);
    c.k('sched_process_exec', [path, th.tid, th.tid]).adv(2000);
    c.sysExit('execve', 0).adv(15000);
  }

  /** exit_group: the process exits, wakes its parent (bash, waiting in wait4) and schedules it. */
  private exitProcess(c: Cpu, th: Thread): void {
    c.sysEntry('exit_group', [0]).adv(12000);
    c.k('sched_process_exit', [th.comm, th.tid, th.prio]).adv(3000);
    const bash = this.bash;
    c.k('sched_waking', [bash.comm, bash.tid, bash.prio, c.cpu])
      .adv(700)
      .k('sched_wakeup', [bash.comm, bash.tid, bash.prio, c.cpu]);
    bash.state = 'runnable';
    c.adv(2500).switchTo(bash, PREV_STATE.zombie).adv(2000);
  }

  /** Background activity only (the tail of the article trace, after the program's iteration). */
  quietPeriod(at: number, durationNs: number): void {
    const sim = this.sim;
    for (let t = at; t < at + durationNs; t += 400_000) {
      const jitter = Math.round(sim.rand() * 200_000);
      sim.at(t + jitter, (t / 400_000) % 2 === 0 ? 0 : 3, (c) =>
        this.kthreadBurst(c, c.cpu === 0 ? this.rcu : this.kworkers[3]),
      );
      sim.at(t + 150_000 + jitter, 1, (c) => void c.irq(31, 'enp0s31f6', 2000, SOFTIRQ.NET_RX));
    }
  }
}
