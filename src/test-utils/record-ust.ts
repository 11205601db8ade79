/**
 * A real LTTng recording made inside a test (Node only): a C program linked with an instrumented shared object
 * (`gcc -g -finstrument-functions`) runs under `liblttng-ust-cyg-profile.so` and `liblttng-ust-dl.so`, traced by
 * a session daemon of the test's own (own LTTNG_HOME, stopped at the end). Needs Debian's gcc, lttng-tools and
 * liblttng-ust-dev; fails loudly without them.
 *
 * As root, lttng-sessiond always uses /var/run/lttng, shared with any other root daemon on the machine: the
 * daemon, the client and the traced program then run as `nobody`, whose daemon lives in LTTNG_HOME alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LIB_SOURCE = `#include <stdio.h>
static int helper(int x) { return x * 3 + 1; }
static inline int inl(int x) {
  return helper(x) + 2;
}
int cfoo(int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += inl(i);
  return s;
}
int cbar(int n) { return cfoo(n) * 2; }
__attribute__((noinline)) static void leaf(volatile int *p) { *p += 1; }
void cbaz(void) { volatile int v = 0; for (int i = 0; i < 3; i++) leaf(&v); }
`;

const MAIN_SOURCE = `#include <stdio.h>
int cbar(int);
void cbaz(void);
static int twice(int x) { return cbar(x) + cbar(x + 1); }
int main(void) {
  int s = 0;
  for (int i = 0; i < 3; i++) { s += twice(i + 2); cbaz(); }
  printf("%d\\n", s);
  return 0;
}
`;

export interface UstRecording {
  dir: string;
  /** The trace folder (holds `ust/uid/.../metadata`). */
  tracePath: string;
  /** The instrumented shared object and the executable, as recorded (with symbols and DWARF). */
  libPath: string;
  appPath: string;
}

function need(tool: string, pkg: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`]);
  } catch {
    throw new Error(`${tool} is needed to record a test trace: apt-get install -y ${pkg}`);
  }
}

/** Build libcfoo.so + app in a fresh folder and record one run. `libFlags` are extra gcc flags for the library. */
export async function recordCygProfile(libFlags: string[] = ['-O1']): Promise<UstRecording> {
  need('gcc', 'gcc');
  need('lttng', 'lttng-tools');
  need('lttng-sessiond', 'lttng-tools');
  const ustLib = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib'].find((d) => existsSync(join(d, 'liblttng-ust-cyg-profile.so')));
  if (!ustLib) throw new Error('liblttng-ust-cyg-profile.so is needed to record a test trace: apt-get install -y liblttng-ust-dev');
  const dir = mkdtempSync(join(tmpdir(), 'strata-ust-'));
  writeFileSync(join(dir, 'cfoo.c'), LIB_SOURCE);
  writeFileSync(join(dir, 'main.c'), MAIN_SOURCE);
  const libPath = join(dir, 'libcfoo.so');
  const appPath = join(dir, 'app');
  execFileSync('gcc', ['-g', ...libFlags, '-fPIC', '-shared', '-finstrument-functions', '-Wl,--build-id', '-o', libPath, 'cfoo.c'], { cwd: dir });
  execFileSync('gcc', ['-g', '-O0', '-finstrument-functions', '-Wl,--build-id', '-o', appPath, 'main.c', '-L.', '-lcfoo', `-Wl,-rpath,${dir}`], { cwd: dir });

  const home = join(dir, 'home');
  mkdirSync(home);
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? { uid: 65534, gid: 65534 } : {};
  if (asRoot) for (const p of [dir, home, libPath, appPath]) chmodSync(p, 0o777);
  const env = { ...process.env, LTTNG_HOME: home, HOME: home };
  const daemon = spawn('lttng-sessiond', ['--no-kernel'], { env, stdio: 'ignore', ...user });
  const lttng = (...args: string[]) => execFileSync('lttng', args, { env, stdio: 'pipe', ...user });
  try {
    // The daemon answers once its sockets are up.
    for (let i = 0; ; i++) {
      try {
        lttng('list');
        break;
      } catch (e) {
        if (i > 100) throw new Error(`lttng-sessiond did not start: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const tracePath = join(dir, 'trace');
    lttng('create', 'strata-test', `--output=${tracePath}`);
    lttng('enable-event', '-u', 'lttng_ust_cyg_profile:*,lttng_ust_statedump:*,lttng_ust_dl:*');
    lttng('add-context', '-u', '-t', 'vpid', '-t', 'vtid', '-t', 'procname');
    lttng('start');
    execFileSync(appPath, [], { env: { ...env, LD_PRELOAD: `${join(ustLib, 'liblttng-ust-cyg-profile.so')} ${join(ustLib, 'liblttng-ust-dl.so')}` }, stdio: 'pipe', ...user });
    lttng('stop');
    lttng('destroy');
    return { dir, tracePath, libPath, appPath };
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((r) => (daemon.exitCode !== null ? r(null) : daemon.once('exit', r)));
  }
}
