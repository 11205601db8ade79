/**
 * The ELF/DWARF reader against binutils on binaries built here: every text symbol as `nm` lists it, and for many
 * addresses the names, files, lines and inlined chains that `addr2line -f -i -C` prints.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../base/byte-source';
import { ElfFile, crc32Of } from './elf';
import { BinarySymbols } from './symbolizer';
import { loadDemanglerNode } from './demangle-node';
import type { Demangle } from './demangle';
import { C_SOURCE, CXX_SOURCE, addr2line, compile, hasTool, nmText, tempDir } from '../fixtures/test-binaries';

function open(path: string): ElfFile {
  return new ElfFile(new MemorySource(new Uint8Array(readFileSync(path))), path);
}

/** Addresses to probe: every text symbol's start, and every 3rd byte of .text. */
function probes(elf: ElfFile): number[] {
  const text = elf.findSection('.text')!;
  const out = new Set<number>();
  const syms = elf.functionSymbols();
  for (let i = 0; i < syms.count; i++) out.add(syms.addr[i]);
  for (let a = text.addr; a < text.addr + text.sizeBytes; a += 3) out.add(a);
  return [...out].sort((a, b) => a - b);
}

/**
 * The same function name as addr2line -C prints: equal, or without the return type that binutils prints before
 * a template function's name (the demangler leaves it out, as the Firefox Profiler does), or a raw symbol the
 * demangler could not read that c++filt turns into addr2line's text.
 */
function sameFunction(got: string, want: string | undefined): boolean {
  if (want === undefined || got === '') return false;
  if (got === want || want.endsWith(` ${got}`)) return true;
  return got.startsWith('_Z') && execFileSync('c++filt', [got], { encoding: 'utf8' }).trim() === want;
}

function compareWithAddr2line(path: string, demangle: Demangle, debugPath?: string): number {
  const elf = open(path);
  const symbols = new BinarySymbols(elf, debugPath ? open(debugPath) : undefined, demangle);
  const addrs = probes(elf);
  const reference = addr2line(debugPath ?? path, addrs);
  expect(reference.length).toBe(addrs.length);
  let compared = 0;
  addrs.forEach((addr, i) => {
    const want = reference[i];
    const got = symbols.resolve(addr);
    const known = want.filter((f) => f.line !== '?' && f.line !== '0');
    if (known.length === 0) return; // addr2line knows no line here (padding, PLT)
    expect(got, `0x${addr.toString(16)}`).toBeDefined();
    const gotFrames = got!.frames.map((f, j) => ({
      fn: sameFunction(f.fn, want[j]?.fn) ? want[j].fn : f.fn || '??',
      file: f.file,
      line: f.line === 0 ? '?' : String(f.line),
    }));
    expect(gotFrames, `frames at 0x${addr.toString(16)}`).toEqual(want);
    compared++;
  });
  return compared;
}

describe('ELF and DWARF against binutils', () => {
  let dir: string;
  let demangle: Demangle;
  beforeAll(async () => {
    for (const tool of ['gcc', 'nm', 'addr2line', 'objcopy'])
      if (!hasTool(tool)) throw new Error(`${tool} is needed by this test (apt-get install gcc binutils)`);
    dir = tempDir();
    demangle = await loadDemanglerNode();
  });

  for (const [label, flags] of [
    ['-O0 DWARF 5', ['-O0', '-gdwarf-5']],
    ['-O2 DWARF 5 (inlined frames)', ['-O2', '-gdwarf-5']],
    ['-O2 DWARF 4', ['-O2', '-gdwarf-4']],
    ['-O1 DWARF 3', ['-O1', '-gdwarf-3']],
    ['-O2 DWARF 2', ['-O2', '-gdwarf-2', '-gstrict-dwarf']],
    ['-O2 compressed debug sections', ['-O2', '-g', '-gz=zlib']],
  ] as const) {
    it(`C shared object, ${label}: symbols as nm, lines and inlined chains as addr2line`, () => {
      const so = compile(dir, `lib-${label.replace(/\W+/g, '_')}.so`, C_SOURCE, [
        '-shared',
        '-fPIC',
        '-finstrument-functions',
        '-Wl,--build-id',
        ...flags,
      ]);
      const elf = open(so);
      const syms = elf.functionSymbols();
      const nm = nmText(so);
      for (const s of nm) {
        const found = elf.functionAt(s.addr);
        expect(found?.addr, s.name).toBe(s.addr);
        if (s.sizeBytes > 0) {
          expect(elf.functionAt(s.addr + s.sizeBytes - 1)?.addr, `${s.name} last byte`).toBe(s.addr);
        }
      }
      expect(syms.names).toEqual(expect.arrayContaining(['cfoo', 'cbar', 'helper', 'leaf']));
      const compared = compareWithAddr2line(so, demangle);
      expect(compared).toBeGreaterThan(50);
    });
  }

  it('an address past a function end is not named after it', () => {
    const so = compile(dir, 'libsize.so', 'int f(int x){return x+1;}\nchar pad[64];\n', ['-shared', '-fPIC', '-O2']);
    const elf = open(so);
    const f = nmText(so).find((s) => s.name === 'f')!;
    expect(elf.functionAt(f.addr)?.name).toBe('f');
    expect(elf.functionAt(f.addr + f.sizeBytes)?.name).not.toBe('f');
  });

  it('stripped code file + separate debug file (objcopy --only-keep-debug, debuglink CRC)', () => {
    const so = compile(dir, 'libsplit.so', C_SOURCE, ['-shared', '-fPIC', '-O2', '-g', '-Wl,--build-id']);
    const dbg = `${so}.debug`;
    execFileSync('objcopy', ['--only-keep-debug', so, dbg]);
    execFileSync('objcopy', ['--strip-all', `--add-gnu-debuglink=${dbg}`, so]);
    const code = open(so);
    const debug = open(dbg);
    expect(code.hasSymtab).toBe(false);
    expect(code.buildId()).toBe(debug.buildId());
    expect(code.buildId()).toMatch(/^[0-9a-f]{40}$/);
    const link = code.debugLink()!;
    expect(link.fileName).toBe('libsplit.so.debug');
    expect(crc32Of(debug.source)).toBe(link.crc);
    // Static functions come back from the debug file's .symtab; lines from its DWARF.
    const symbols = new BinarySymbols(code, debug, demangle);
    const leaf = nmText(dbg).find((s) => s.name === 'leaf')!;
    expect(symbols.resolve(leaf.addr)?.name).toBe('leaf');
    expect(compareWithAddr2line(so, demangle, dbg)).toBeGreaterThan(30);
  });

  it('a stripped file alone names exported functions from .dynsym only', () => {
    const so = compile(dir, 'libstripped.so', C_SOURCE, ['-shared', '-fPIC', '-O2', '-s']);
    const elf = open(so);
    expect(elf.hasSymtab).toBe(false);
    const symbols = new BinarySymbols(elf, undefined, demangle);
    expect(symbols.namedBy).toBe('dynsym');
    expect(elf.functionSymbols().names).toEqual(expect.arrayContaining(['cfoo', 'cbar']));
    expect(elf.functionSymbols().names).not.toContain('helper');
  });

  it('non-PIE executable: addresses are absolute', () => {
    const exe = compile(dir, 'app', `${C_SOURCE}\nint main(void){ cbaz(); return cbar(3); }\n`, [
      '-O1',
      '-g',
      '-no-pie',
      '-fno-pie',
    ]);
    const elf = open(exe);
    expect(elf.isPic).toBe(false);
    const main = nmText(exe).find((s) => s.name === 'main')!;
    const symbols = new BinarySymbols(elf, undefined, demangle);
    expect(symbols.vaddrOf(main.addr, false)).toBe(main.addr);
    expect(symbols.resolve(main.addr)?.name).toBe('main');
    expect(compareWithAddr2line(exe, demangle)).toBeGreaterThan(30);
  });

  it('C++: demangled names and inlined templates as addr2line -C', () => {
    if (!hasTool('g++')) throw new Error('g++ is needed by this test (apt-get install g++)');
    const so = compile(dir, 'libgeo.so', CXX_SOURCE, ['-shared', '-fPIC', '-O2', '-g'], true);
    const elf = open(so);
    const symbols = new BinarySymbols(elf, undefined, demangle);
    const total = nmText(so).find((s) => s.name.startsWith('_ZN3geo5total'))!;
    expect(symbols.resolve(total.addr)?.name).toBe(
      'geo::total(std::vector<geo::Box<int>, std::allocator<geo::Box<int> > > const&)',
    );
    expect(compareWithAddr2line(so, demangle)).toBeGreaterThan(50);
  });

  it('reads only the sections a lookup needs: symbols without touching the DWARF, lines without the whole file', () => {
    const so = compile(dir, 'liblazy.so', CXX_SOURCE, ['-shared', '-fPIC', '-O0', '-g'], true);
    const bytes = new Uint8Array(readFileSync(so));
    let readBytes = 0;
    const counting = {
      sizeBytes: bytes.length,
      read: (o: number, n: number) => ((readBytes += Math.min(n, bytes.length - o)), bytes.subarray(o, o + n)),
    };
    const elf = new ElfFile(counting, so);
    const total = nmText(so).find((s) => s.name.startsWith('_ZN3geo5total'))!;
    expect(elf.functionAt(total.addr)?.name).toMatch(/^_ZN3geo5total/);
    const debugBytes = elf.sections.filter((s) => s.name.startsWith('.debug_')).reduce((n, s) => n + s.sizeBytes, 0);
    expect(debugBytes).toBeGreaterThan(bytes.length / 2);
    expect(readBytes).toBeLessThan(bytes.length - debugBytes);
    readBytes = 0;
    new BinarySymbols(elf, undefined, demangle).resolve(total.addr);
    expect(readBytes).toBeLessThan(bytes.length);
  });

  it('Rust symbol names demangle (legacy and v0)', () => {
    expect(demangle('_ZN4core3fmt5write17h0123456789abcdefE')).toBe('core::fmt::write');
    expect(demangle('_RNvCs1234_7mycrate3foo')).toBe('mycrate::foo');
    expect(demangle('plain_c')).toBe('plain_c');
  });

  it('the C source file and line of cfoo match its definition', () => {
    const so = join(dir, 'lib-_O0_DWARF_5.so');
    const symbols = new BinarySymbols(open(so), undefined, demangle);
    const cfoo = nmText(so).find((s) => s.name === 'cfoo')!;
    const r = symbols.resolve(cfoo.addr)!;
    expect(r.name).toBe('cfoo');
    expect(r.frames[0].file.endsWith('.c')).toBe(true);
    expect(r.frames[0].line).toBe(C_SOURCE.split('\n').findIndex((l) => l.startsWith('int cfoo(')) + 1);
  });
});
