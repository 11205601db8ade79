/**
 * Test binaries built with the system's gcc / g++, and binutils' answers for them (`nm`, `addr2line -f -i -C`):
 * the reference the ELF/DWARF reader is compared with. Node only (tests).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const C_SOURCE = `#include <stdio.h>
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

export const CXX_SOURCE = `#include <vector>
namespace geo {
template <typename T> struct Box { T w; T h; T area() const { return w * h; } };
int total(const std::vector<Box<int>> &v) { int s = 0; for (auto &b : v) s += b.area(); return s; }
}
extern "C" int entry(int n) { std::vector<geo::Box<int>> v(n, geo::Box<int>{2, 3}); return geo::total(v); }
`;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'strata-symbols-'));
}

/** Compile a shared object (or executable) in dir; returns its path. */
export function compile(dir: string, name: string, source: string, flags: string[], cxx = false): string {
  const src = join(dir, `${name}${cxx ? '.cpp' : '.c'}`);
  writeFileSync(src, source);
  const out = join(dir, name);
  execFileSync(cxx ? 'g++' : 'gcc', [...flags, '-o', out, src], { cwd: dir });
  return out;
}

export function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
}

/** `addr2line -a -f -i -C -e file addrs...`: per address, its frames innermost first. */
export function addr2line(file: string, addrs: number[]): { fn: string; file: string; line: string }[][] {
  const out = execFileSync(
    'addr2line',
    ['-a', '-f', '-i', '-C', '-e', file, ...addrs.map((a) => `0x${a.toString(16)}`)],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  const groups: { fn: string; file: string; line: string }[][] = [];
  const lines = out.split('\n');
  let i = 0;
  while (i < lines.length) {
    if (/^0x[0-9a-f]+$/.test(lines[i])) {
      groups.push([]);
      i++;
      continue;
    }
    if (lines[i] === '' || i + 1 >= lines.length) {
      i++;
      continue;
    }
    const fn = lines[i];
    const loc = lines[i + 1].replace(/ \(discriminator \d+\)$/, '');
    const colon = loc.lastIndexOf(':');
    groups[groups.length - 1].push({ fn, file: loc.slice(0, colon), line: loc.slice(colon + 1) });
    i += 2;
  }
  return groups;
}

/** `nm --defined-only -S`: text symbols with address and size (size 0 when nm shows none). */
export function nmText(file: string): { addr: number; sizeBytes: number; name: string }[] {
  const out = execFileSync('nm', ['--defined-only', '-S', file], { encoding: 'utf8' });
  const syms: { addr: number; sizeBytes: number; name: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]+)(?: ([0-9a-f]+))? ([tTwWiI]) (.+)$/.exec(line);
    if (m) syms.push({ addr: parseInt(m[1], 16), sizeBytes: m[2] ? parseInt(m[2], 16) : 0, name: m[4] });
  }
  return syms;
}
