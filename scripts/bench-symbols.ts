/**
 * `npm run bench:symbols -- [ELF...] [--functions N] [--addresses K]`
 *
 * Symbol resolution against binutils on the same addresses: for each binary, the project's reader (src/symbols:
 * open, read the sections a lookup needs, names + DWARF line and inlined chains, C++ demangling) resolves K
 * addresses of `.text`, then `addr2line -f -i -C -e FILE` (one process, addresses on stdin) does the same. Without
 * arguments it builds a C library of N functions with `gcc -g -O2` (DWARF 5, inlining) and also reads the `node`
 * executable that runs it (large, symbols only). Prints wall times, the ratio (addr2line / strata) and how many
 * names agree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSource } from '../src/symbols/node-source';
import { ElfFile } from '../src/symbols/elf';
import { BinarySymbols } from '../src/symbols/symbolizer';
import { loadDemanglerNode } from '../src/symbols/demangle-node';
import { prng } from '../src/base/prng';
import { tempDir } from '../src/fixtures/test-binaries';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args.splice(i, 2)[1]);
  if (!(v > 0)) throw new Error(`${name} needs a positive number`);
  return v;
};
const functions = opt('--functions', 20_000);
const addresses = opt('--addresses', 20_000);

function generatedLibrary(): string {
  const dir = tempDir();
  const lines = ['static inline int mix(int x, int k) { return (x * 31) ^ k; }'];
  for (let i = 0; i < functions; i++)
    lines.push(`int f${i}(int x) { int s = 0; for (int j = 0; j < x; j++) s += mix(j, ${i}); return s + ${i}; }`);
  writeFileSync(join(dir, 'gen.c'), lines.join('\n'));
  const out = join(dir, 'libgen.so');
  execFileSync('gcc', ['-g', '-O2', '-fPIC', '-shared', '-o', out, 'gen.c'], { cwd: dir });
  return out;
}

async function bench(path: string): Promise<void> {
  const demangle = await loadDemanglerNode();
  const sizeMB = readFileSync(path).length / 1e6;
  const t0 = performance.now();
  const source = fileSource(path);
  const elf = new ElfFile(source, path);
  const symbols = new BinarySymbols(elf, undefined, demangle);
  const text = elf.findSection('.text');
  if (!text) throw new Error(`${path} has no .text`);
  const random = prng(1);
  const addrs = Array.from({ length: addresses }, () => text.addr + Math.floor(random() * text.sizeBytes));
  const tOpen = performance.now();
  const ours = addrs.map((a) => symbols.resolve(a));
  const tOurs = performance.now();
  source.close();

  const t1 = performance.now();
  const r = spawnSync('addr2line', ['-a', '-f', '-i', '-C', '-e', path], {
    input: addrs.map((a) => `0x${a.toString(16)}`).join('\n'),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const tRef = performance.now() - t1;
  // Innermost name per address, as addr2line prints it (the first function line after each address line).
  const ref: string[] = [];
  const out = r.stdout.split('\n');
  for (let i = 0; i < out.length; i++) if (/^0x[0-9a-f]+$/.test(out[i])) ref.push(out[i + 1] ?? '??');
  let agree = 0;
  let known = 0;
  addrs.forEach((_, i) => {
    if (ref[i] === '??') return;
    known++;
    const got = ours[i]?.frames[0]?.fn || ours[i]?.name || '??';
    if (got === ref[i] || ref[i].endsWith(` ${got}`)) agree++;
  });
  const oursMs = tOurs - t0;
  console.log(
    `${path} (${sizeMB.toFixed(1)} MB, ${elf.functionSymbols().count} function symbols, DWARF ${symbols.namedBy === 'DWARF' ? 'yes' : 'no'}): ` +
      `${addresses} addresses: strata ${oursMs.toFixed(0)} ms (open+index ${(tOpen - t0).toFixed(0)} ms, lookups ${(tOurs - tOpen).toFixed(0)} ms), ` +
      `addr2line ${tRef.toFixed(0)} ms, ratio (addr2line / strata) ${(tRef / oursMs).toFixed(2)}; ` +
      `innermost names agree for ${agree}/${known} addresses addr2line names; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  );
}

const targets = args.length > 0 ? args : [generatedLibrary(), realpathSync(process.execPath)];
for (const t of targets) await bench(t);
