/**
 * C frames of a real LTTng recording named from the binaries alone: every cyg-profile frame gets the name and the
 * file:line that `addr2line -f` gives for its offset, through the dropped files (matched by build-id), through
 * `analyze --symbols`, and a rebuilt binary with the same path is reported, never used.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemanglerNode } from '../symbols/demangle-node';
import { SymbolLibrary, elfFilesOf } from '../symbols/symbolizer';
import { recordCygProfile, type UstRecording } from '../fixtures/record-ust';
import { formatSymbolTable, symbolizeModel } from './symbolize';
import { SliceKind, type TraceModel } from './types';
import { analyze, formatAnalyze, modelOfFolder, parseArgs } from '../../scripts/analyze';
import { tracePath } from '../fixtures/corpus';
import { tempDir } from '../fixtures/test-binaries';
import { prng } from '../base/prng';

function modelOf(rec: UstRecording): TraceModel {
  return modelOfFolder(rec.tracePath, new Map());
}

function filesOf(...paths: string[]): [string, Uint8Array][] {
  return paths.map((p) => [p.slice(p.lastIndexOf('/') + 1), new Uint8Array(readFileSync(p))]);
}

/** addr2line -f for one offset: function name, and file:line. */
function addr2line(file: string, offset: number): { fn: string; file: string; line: number } {
  const [fn, loc] = execFileSync('addr2line', ['-f', '-e', file, `0x${offset.toString(16)}`], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const colon = loc.lastIndexOf(':');
  return { fn, file: loc.slice(0, colon), line: Number(loc.slice(colon + 1).replace(/ .*/, '')) };
}

/** Every C slice's name, in time order per thread. */
function cNames(model: TraceModel): string[] {
  const out: string[] = [];
  for (const t of model.threads)
    for (let i = 0; i < t.slices.count; i++)
      if (t.slices.kind[i] === SliceKind.C) out.push(model.strings[t.slices.name[i]]);
  return out;
}

describe('symbols of a real LTTng recording', () => {
  let rec: UstRecording;
  beforeAll(async () => {
    rec = await recordCygProfile();
  }, 60_000);

  it("every cyg-profile frame gets addr2line -f's name and file:line, from the dropped .so and executable", async () => {
    const model = modelOf(rec);
    const info = model.symbols!;
    const lib = info.binaries.findIndex((b) => b.path === rec.libPath);
    const app = info.binaries.findIndex((b) => b.path === rec.appPath);
    expect(lib).toBeGreaterThanOrEqual(0);
    expect(app).toBeGreaterThanOrEqual(0);
    expect(info.binaries[lib].buildId).toMatch(/^[0-9a-f]{40}$/);
    // Before resolution: offsets.
    expect(cNames(model).some((n) => /^libcfoo\.so\+0x[0-9a-f]+$/.test(n))).toBe(true);

    // Dropped under other paths and names than recorded: matched by build-id.
    const library = new SymbolLibrary(
      elfFilesOf(filesOf(rec.libPath, rec.appPath).map(([n, d]) => [`dropped/${n}`, d])),
      await loadDemanglerNode(),
    );
    symbolizeModel(model, library);
    const named = info.frames.filter((f) => f.binary === lib || f.binary === app);
    expect(named.length).toBeGreaterThanOrEqual(8);
    for (const f of named) {
      const want = addr2line(info.binaries[f.binary].path, f.offset);
      expect(model.strings[f.label]).toBe(want.fn);
      expect(f.source?.[f.source.length - 1]).toMatchObject({ fn: want.fn, file: want.file, line: want.line });
    }
    expect(new Set(named.map((f) => model.strings[f.label]))).toEqual(
      new Set(['main', 'twice', 'cbar', 'cfoo', 'inl', 'cbaz', 'leaf', 'helper']),
    );
    // No C frame is left as an offset or an address.
    expect(cNames(model).filter((n) => /\+0x|^0x/.test(n))).toEqual([]);
    expect(info.binaries[lib].resolution).toMatchObject({ namedBy: 'DWARF', file: 'dropped/libcfoo.so' });
    expect(info.binaries[lib].frames).toBeGreaterThan(10);
    expect(formatSymbolTable(info)).toContain(`${rec.libPath}  build-id ${info.binaries[lib].buildId}`);
  });

  it('analyze --symbols FOLDER prints the same names and the resolution table', async () => {
    const dropped = join(rec.dir, 'symbols-folder');
    mkdirSync(join(dropped, 'sub'), { recursive: true });
    copyFileSync(rec.libPath, join(dropped, 'sub', 'libcfoo.so'));
    copyFileSync(rec.appPath, join(dropped, 'app'));
    expect(parseArgs([rec.tracePath, '--symbols', rec.libPath, dropped, '--top', '20']).symbols).toEqual([
      rec.libPath,
      dropped,
    ]);
    const result = await analyze({ path: rec.tracePath, json: true, symbols: [dropped], top: 20, threads: [] });
    expect(formatAnalyze(result)).toMatch(
      new RegExp(
        `${rec.libPath}  build-id [0-9a-f]{40}  \\d+ frames  \\d+ named by DWARF of ${dropped}/sub/libcfoo\\.so`,
      ),
    );
    const top = result.threads.flatMap((t) => t.topFunctions.map((f) => f.name));
    expect(top).toEqual(expect.arrayContaining(['cfoo', 'cbar', 'cbaz', 'leaf', 'main']));
    const lib = result.symbols!.find((b) => b.path === rec.libPath)!;
    expect(lib.resolution).toMatchObject({ namedBy: 'DWARF', file: join(dropped, 'sub', 'libcfoo.so') });
  });

  it('a rebuilt .so with the same name is reported as a build-id mismatch and names nothing', async () => {
    const other = join(rec.dir, 'rebuilt');
    mkdirSync(other);
    execFileSync('gcc', [
      '-g',
      '-O2',
      '-DREBUILT',
      '-fPIC',
      '-shared',
      '-finstrument-functions',
      '-Wl,--build-id',
      '-o',
      join(other, 'libcfoo.so'),
      join(rec.dir, 'cfoo.c'),
    ]);
    const model = modelOf(rec);
    const info = model.symbols!;
    const lib = info.binaries.findIndex((b) => b.path === rec.libPath);
    symbolizeModel(model, new SymbolLibrary(elfFilesOf(filesOf(join(other, 'libcfoo.so'))), await loadDemanglerNode()));
    expect(info.binaries[lib].resolution?.problem).toMatch(
      /^build-id mismatch: .*libcfoo\.so has [0-9a-f]{40}, the trace recorded [0-9a-f]{40}/,
    );
    expect(info.binaries[lib].resolution?.named).toBe(0);
    const libFrames = info.frames.filter((f) => f.binary === lib);
    expect(libFrames.every((f) => /^libcfoo\.so\+0x/.test(model.strings[f.label]))).toBe(true);
  });

  it('damaged binaries name nothing wrong and never stop the others: each says why', async () => {
    const lib = new Uint8Array(readFileSync(rec.libPath));
    const random = prng(13);
    const demangle = await loadDemanglerNode();
    for (let k = 0; k < 120; k++) {
      const bad = lib.slice(0, k % 4 === 0 ? Math.floor(random() * lib.length) : lib.length);
      for (let j = 0; j < 1 + (k % 7); j++)
        bad[4 + Math.floor(random() * (bad.length - 4))] ^= 1 + Math.floor(random() * 255);
      const model = modelOf(rec);
      const info = model.symbols!;
      symbolizeModel(model, new SymbolLibrary(elfFilesOf([...filesOf(rec.appPath), ['libcfoo.so', bad]]), demangle));
      // The intact executable is always resolved; the damaged library is resolved, refused or explained.
      const app = info.binaries.find((b) => b.path === rec.appPath)!;
      expect(app.resolution?.namedBy).toBe('DWARF');
      for (const b of info.binaries) expect(b.resolution).toBeDefined();
      const libBin = info.binaries.find((b) => b.path === rec.libPath)!;
      expect(libBin.resolution!.namedBy !== undefined || libBin.resolution!.problem !== undefined).toBe(true);
    }
  });

  it('a stripped .so with its separate debug file; nothing given says what to drop', async () => {
    const split = join(rec.dir, 'split');
    mkdirSync(split);
    const so = join(split, 'libcfoo.so');
    copyFileSync(rec.libPath, so);
    execFileSync('objcopy', ['--only-keep-debug', so, `${so}.debug`]);
    execFileSync('objcopy', ['--strip-all', `--add-gnu-debuglink=${so}.debug`, so]);
    const model = modelOf(rec);
    const info = model.symbols!;
    const lib = info.binaries.findIndex((b) => b.path === rec.libPath);
    symbolizeModel(model, new SymbolLibrary(elfFilesOf(filesOf(so, `${so}.debug`)), await loadDemanglerNode()));
    expect(info.binaries[lib].resolution).toMatchObject({ namedBy: 'DWARF', file: 'libcfoo.so.debug' });
    expect(info.frames.filter((f) => f.binary === lib).map((f) => model.strings[f.label])).toEqual(
      expect.arrayContaining(['helper', 'leaf', 'cfoo']),
    );

    const bare = modelOf(rec);
    symbolizeModel(bare, new SymbolLibrary([]));
    const status = bare.symbols!.binaries.find((b) => b.path === rec.libPath)!.resolution!;
    expect(status.problem).toMatch(/^no file given: drop libcfoo\.so \(build-id [0-9a-f]{40}\)/);
  });
});

describe('binaries of the corpus debug-info traces', () => {
  it('statedump bin_info / build_id / debug_link per process, matched by build-id, debug link (CRC checked) and path suffix', () => {
    const model = modelOfFolder(tracePath('tc-debuginfo-synth-buildid-debuglink'), new Map());
    const bins = model.symbols!.binaries;
    const byPath = new Map(bins.map((b) => [b.path, b]));
    expect([...byPath.keys()].sort()).toEqual(['/tmp/foo_nn', '/tmp/foo_ny', '/tmp/foo_yn', '/tmp/foo_yy']);
    expect(byPath.get('/tmp/foo_yn')).toMatchObject({ buildId: 'aa'.repeat(20), isPic: false });
    expect(byPath.get('/tmp/foo_yy')).toMatchObject({
      buildId: 'bb'.repeat(20),
      debugLink: '/tmp/debug_link2',
      debugLinkCrc: 0,
    });
    expect(byPath.get('/tmp/foo_ny')).toMatchObject({ debugLink: '/tmp/debug_link1', debugLinkCrc: 0 });
    expect(byPath.get('/tmp/foo_nn')!.buildId).toBeUndefined();

    // Files for them: one with the recorded build-id, one under the recorded path, one named as the debug link
    // (whose CRC is not the recorded 0), and one with the right name but another build-id.
    const dir = tempDir();
    const build = (out: string, buildId?: string) =>
      execFileSync(
        'gcc',
        [
          '-O0',
          '-g',
          '-no-pie',
          '-fno-pie',
          `-Wl,--build-id${buildId ? `=0x${buildId}` : '=none'}`,
          '-o',
          join(dir, out),
          '-x',
          'c',
          '-',
        ],
        { input: 'int main(void){return 0;}\n' },
      );
    mkdirSync(join(dir, 'sysroot', 'tmp'), { recursive: true });
    build('any-name', 'aa'.repeat(20));
    build('sysroot/tmp/foo_nn');
    build('debug_link1');
    build('foo_yy', 'cc'.repeat(20));
    const library = new SymbolLibrary(
      elfFilesOf(
        ['any-name', 'sysroot/tmp/foo_nn', 'debug_link1', 'foo_yy'].map((p) => [
          p,
          new Uint8Array(readFileSync(join(dir, p))),
        ]),
      ),
    );
    expect(library.match(byPath.get('/tmp/foo_yn')!).resolution).toMatchObject({ file: 'any-name', namedBy: 'DWARF' });
    expect(library.match(byPath.get('/tmp/foo_nn')!).resolution).toMatchObject({
      file: 'sysroot/tmp/foo_nn',
      namedBy: 'DWARF',
    });
    expect(library.match(byPath.get('/tmp/foo_ny')!).resolution.problem).toMatch(
      /^debug-link CRC mismatch: debug_link1/,
    );
    expect(library.match(byPath.get('/tmp/foo_yy')!).resolution.problem).toMatch(
      /^build-id mismatch: foo_yy has c{40}, the trace recorded b{40}/,
    );
  });
});
