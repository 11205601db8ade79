/**
 * Where babeltrace2 refuses a trace, Strata must not answer silently. Each case mutates a corpus trace the way a
 * tester (or a broken tool) would, runs babeltrace2 on the same bytes and checks its verdict, then checks that
 * Strata refuses with an error naming the place, or decodes with a warning saying what it did.
 */
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { babeltrace2, strata } from '../fixtures/babeltrace2';
import { tracePath } from '../fixtures/corpus';
import { openExperiment } from './experiment';
import { metadataText } from './metadata';
import { readTraceFolder } from './node-fs';

const work = mkdtempSync(join(tmpdir(), 'strata-refusals-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A writable copy of a corpus trace under `name`; `edit` rewrites its metadata as text (line numbers kept). */
function mutate(corpusName: string, name: string, edit?: (metadata: string) => string): string {
  const dir = join(work, name);
  cpSync(tracePath(corpusName), dir, { recursive: true });
  chmodSync(dir, 0o755);
  if (edit) {
    const text = metadataText(readFileSync(join(dir, 'metadata')));
    // Plain-text metadata needs babeltrace2's signature; kept on the first line so line numbers do not move.
    const signed = text.startsWith('/* CTF 1.8') ? text : `/* CTF 1.8 */ ${text}`;
    rmSync(join(dir, 'metadata'));
    writeFileSync(join(dir, 'metadata'), edit(signed));
  }
  return dir;
}

const SMALL = 'bt-smalltrace';
const FLIP = 'tc-flipping-endianness';

describe('duplicate definitions in the metadata: an error naming both lines, where babeltrace2 refuses', () => {
  const cases: Array<{ name: string; corpus: string; edit: (m: string) => string; bt2: RegExp; strata: RegExp }> = [
    {
      name: 'an attribute given twice in the trace block',
      corpus: SMALL,
      edit: (m) => m.replace('\tminor = 8;', '\tminor = 8;\n\tminor = 8;'),
      bt2: /At line 8 in metadata stream: Duplicate attribute in trace: attr-name="minor"/,
      strata: /metadata line 8: .*duplicate attribute 'minor' in trace block \(lines 7 and 8\)/,
    },
    {
      name: "an event's id given twice",
      corpus: SMALL,
      edit: (m) => m.replace('\tname = string;', '\tname = string;\n\tid = 0;\n\tid = 1;'),
      bt2: /At line 19 in metadata stream: Duplicate attribute in event class: attr-name="id"/,
      strata: /metadata line 19: .*duplicate attribute 'id' in event block \(lines 18 and 19\)/,
    },
    {
      name: "an integer's attribute given twice (on one line)",
      corpus: SMALL,
      edit: (m) => m.replace('base = hex;', 'base = hex; base = hex;'),
      bt2: /At line 3 in metadata stream: Duplicate attribute in integer field class: attr-name="base"/,
      strata: /metadata line 3: .*duplicate attribute 'base' in integer \(twice on line 3\)/,
    },
    {
      name: "a stream's id given twice",
      corpus: FLIP,
      edit: (m) => m.replace('stream {\n\tid = 0;', 'stream {\n\tid = 0;\n\tid = 0;'),
      bt2: /Duplicate attribute in stream declaration: attr-name="id"/,
      strata: /duplicate attribute 'id' in stream block \(lines \d+ and \d+\)/,
    },
    {
      name: 'a struct with two fields of one name',
      corpus: SMALL,
      edit: (m) => m.replace('fields := struct { string str; }', 'fields := struct {\n string str;\n string str; }'),
      bt2: /Duplicate field in structure field class: field-name="str"/,
      strata: /metadata line 20: duplicate field name 'str' in struct \(lines 19 and 20\)/,
    },
    {
      name: 'two events with the same id in one stream class',
      corpus: SMALL,
      edit: (m) =>
        m.replace('\tname = string;', '\tname = string;\n\tid = 0;') +
        'event {\n\tname = other;\n\tid = 0;\n\tfields := struct { string str; };\n};\n',
      bt2: /At line 25 in metadata stream: Duplicate event class \(same ID\) in the same stream class: id=0/,
      strata: /duplicate event id 0 in stream 0 \(event blocks at lines 16 and 21\)/,
    },
    {
      name: 'two stream classes with the same id',
      corpus: FLIP,
      edit: (m) => m.replace(/(stream \{\n\tid = 0;[^}]*\};\n)/, '$1$1'),
      bt2: /Duplicate stream class \(same ID\)|Duplicate stream class/,
      strata: /duplicate stream id 0 \(stream blocks at lines \d+ and \d+\)/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = mutate(c.corpus, c.name.replace(/\W+/g, '-'), c.edit);
      const bt = babeltrace2(dir);
      expect(bt.refused).toBe(true);
      expect(bt.stderr).toMatch(c.bt2);
      const s = strata(dir);
      expect(s.error?.message).toMatch(c.strata);
      expect(s.events).toBe(0);
    });
  }

  it('an event name used twice (babeltrace2 accepts it): decoded, with a warning naming both lines', () => {
    const dir = mutate(FLIP, 'same-name', (m) =>
      m.replace('name = "irq_handler_entry";', 'name = "irq_handler_exit";'),
    );
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(false);
    const s = strata(dir);
    expect(s.error).toBeNull();
    expect(s.events).toBe(14310);
    expect(s.warnings).toEqual([
      expect.stringMatching(
        /event name 'irq_handler_exit' is used twice in stream 0 \(id 3 at line 129 and id 2 at line 139\)/,
      ),
    ]);
  });
});

describe('field alignments', () => {
  it('not a power of two: refused by both, Strata names the line', () => {
    const dir = mutate(SMALL, 'align-3', (m) => m.replace('size = 8; align = 8;', 'size = 8; align = 3;'));
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(true);
    expect(bt.stderr).toMatch(
      /At line 2 in metadata stream: Invalid `align` attribute in integer field class: expecting power of two: align=3/,
    );
    expect(strata(dir).error?.message).toMatch(
      /metadata line 2: .*integer alignment 3 is not a power of two from 1 to 64 bits/,
    );
  });

  it('4294967296 bits (passes a 32-bit power-of-two test): babeltrace2 fails decoding, Strata refuses the metadata line', () => {
    const dir = mutate(FLIP, 'align-2-32', (m) => m.replace('size = 5; align = 1;', 'size = 5; align = 4294967296;'));
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(true);
    const s = strata(dir);
    expect(s.error?.message).toMatch(
      /metadata line 6: .*integer alignment 4294967296 is not a power of two from 1 to 64 bits/,
    );
    expect(s.events).toBe(0);
  });
});

describe('metadata packets whose header lacks the version bytes', () => {
  for (const name of ['bt-fail-packet-based-metadata', 'bt-fail-lttng-modules-2.0-pre1']) {
    it(`${name}: "invalid metadata packet version" at offset 0, as babeltrace2 says`, () => {
      const bt = babeltrace2(tracePath(name));
      expect(bt.refused).toBe(true);
      expect(bt.stderr).toMatch(/Invalid metadata packet version: version=116\.121, offset=0/);
      const s = strata(tracePath(name));
      expect(s.error?.message).toMatch(/^metadata, byte 0: invalid metadata packet version 116\.121/);
      expect(s.error?.byteOffset).toBe(0);
    });
  }
});

describe('the same stream file twice, the same trace twice: opened once, the copy named', () => {
  it('a stream file copied beside itself: babeltrace2 shows every event twice, Strata once with a warning', () => {
    const dir = mutate('bt-succeed1', 'stream-copy');
    cpSync(join(dir, 'dummystream'), join(dir, 'dummystream (copy)'));
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(false);
    expect(bt.lines).toBe(2 * 7809);
    const s = strata(dir);
    expect(s.error).toBeNull();
    expect(s.events).toBe(7809);
    expect(s.warnings).toEqual([
      'dummystream (copy) is a byte-identical copy of dummystream: opened once, dummystream (copy) left out (its events would show twice)',
    ]);
  });

  it('one trace in two folders: opened once, the second folder left out', () => {
    const dir = join(work, 'two-copies');
    mutate('bt-succeed1', 'two-copies/a');
    mutate('bt-succeed1', 'two-copies/b');
    const s = strata(dir);
    expect(s.error).toBeNull();
    expect(s.events).toBe(7809);
    expect(s.warnings).toEqual([
      'trace b is a copy of trace a (same metadata, same stream files): opened once, b left out',
    ]);
  });

  it('session-rotation chunks (one trace UUID, different streams) are all kept, without a warning', () => {
    const s = strata(tracePath('bt-session-rotation'));
    expect(s.error).toBeNull();
    expect(s.events).toBe(266);
    expect(s.warnings).toEqual([]);
  });
});

describe('a loss range that ends before it begins', () => {
  it('babeltrace2 stops on it; Strata decodes every event and flags the record as damaged', () => {
    const dir = mutate('bt-psn-2-lost-before-last', 'damaged-loss');
    // Second packet (bytes 128..255): timestamp_end (big-endian u64 at packet byte 32) 40 -> 50, after the
    // third packet's timestamp_begin (41): the discarded-packets range becomes [50, 41].
    const file = join(dir, 'test_stream_0');
    const bytes = readFileSync(file);
    expect(bytes.readBigUInt64BE(128 + 32)).toBe(40n);
    bytes.writeBigUInt64BE(50n, 128 + 32);
    writeFileSync(file, bytes);
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(true);
    expect(bt.stderr).toMatch(/discarded 2 packets between \[[^\]]*\.000000050\] and \[[^\]]*\.000000041\]/);
    const s = strata(dir);
    expect(s.error).toBeNull();
    expect(s.events).toBe(3);
    expect(s.losses).toHaveLength(1);
    expect(s.losses[0]).toMatchObject({ kind: 'discarded-packets', count: 2, damaged: true });
    expect(s.losses[0].endNs).toBeLessThan(s.losses[0].beginNs);
  });

  it('normal loss records are not flagged', () => {
    const s = strata(tracePath('bt-psn-2-lost-before-last'));
    expect(s.losses).toHaveLength(1);
    expect(s.losses[0].damaged).toBeUndefined();
  });
});

describe('packets of one stream overlapping in time', () => {
  it('tc-hello-lost: babeltrace2 stops (time goes backwards); Strata decodes and says where the stream is damaged', () => {
    const bt = babeltrace2(tracePath('tc-hello-lost'));
    expect(bt.refused).toBe(true);
    expect(bt.stderr).toMatch(/timestamp is less than muxer's message iterator's last returned timestamp/);
    const s = strata(tracePath('tc-hello-lost'));
    expect(s.error).toBeNull();
    expect(s.warnings).toEqual([
      'channel1_2: packets begin before the previous one ends: 849 packets, first at byte 4096 (by 4647 ns); damaged packet context, times and losses there are doubtful',
    ]);
  });
});

describe('an event earlier than the one before it in the same stream', () => {
  it('babeltrace2 stops; Strata decodes every event and says the stream goes back in time', () => {
    const dir = mutate('bt-psn-no-lost', 'backwards');
    // Second packet (bytes 128..255): its event's timestamp (big-endian u64 after the 24-byte header, the 48-byte
    // context and the 4-byte id) 21 -> 5, before the first packet's event (10).
    const file = join(dir, 'test_stream_0');
    const bytes = readFileSync(file);
    expect(bytes.readBigUInt64BE(128 + 76)).toBe(21n);
    bytes.writeBigUInt64BE(5n, 128 + 76);
    writeFileSync(file, bytes);
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(true);
    const s = strata(dir);
    expect(s.error).toBeNull();
    expect(s.events).toBe(3);
    expect(s.warnings).toEqual([
      'test_stream_0: time goes backwards within the stream 1 time (first an event at 5 ns after one at 10 ns from the trace start): its events are shown in file order there, the picture may be wrong',
    ]);
  });
});

describe("event classes no event uses: the verdict is babeltrace2's, though Strata resolves classes on first use", () => {
  // tc-flipping-endianness with one more class (id 100) that no event of the trace has.
  const unused = (fields: string) => (m: string) =>
    `${m}event {\n\tname = unused;\n\tid = 100;\n\tstream_id = 0;\n\tfields := struct { ${fields} };\n};\n`;
  /** Line of the added class's fields in the mutated trace's metadata. */
  const fieldsLine = (dir: string) =>
    metadataText(readFileSync(join(dir, 'metadata')))
      .split('\n')
      .findIndex((l) => l.includes('fields := struct { uint32_t')) + 1;

  it('a sequence whose length names no field: refused by both, Strata names the line', () => {
    const dir = mutate(FLIP, 'unused-bad-seq', unused('uint32_t n; uint8_t s[missing];'));
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(true);
    expect(bt.stderr).toMatch(/Cannot resolve sequence field class's length or variant field class's tag/);
    const s = strata(dir);
    expect(s.error?.message).toMatch(new RegExp(`metadata line ${fieldsLine(dir)}: cannot find field 'missing'`));
    expect(s.events).toBe(0);
  });

  it('a variant tagged by an integer, not an enumeration: refused by both, Strata names the line', () => {
    const dir = mutate(FLIP, 'unused-bad-variant', unused('uint32_t t; variant <t> { uint8_t a; uint32_t b; } v;'));
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(true);
    expect(bt.stderr).toMatch(/Cannot resolve sequence field class's length or variant field class's tag/);
    expect(strata(dir).error?.message).toMatch(
      new RegExp(`metadata line ${fieldsLine(dir)}: variant tag 't' must be an enumeration field`),
    );
  });

  it('a well-formed class: both decode every event, and Strata never resolves it', () => {
    const dir = mutate(FLIP, 'unused-good', unused('uint32_t n; uint8_t bytes[4]; string s;'));
    const bt = babeltrace2(dir);
    expect(bt.refused).toBe(false);
    const s = strata(dir);
    expect(s.error).toBeNull();
    expect(s.events).toBe(14310);
    const exp = openExperiment(readTraceFolder(dir));
    exp.decode(
      () => {},
      () => {},
    );
    const classes = exp.traces[0].schema.streams.get(0)?.events;
    const [used, never] = [classes?.get(0), classes?.get(100)];
    // A class met in the streams holds its payload as a value; one never met still holds the getter that would
    // resolve it (and resolves it when read).
    expect(Object.getOwnPropertyDescriptor(used, 'payload')?.value).toBeDefined();
    expect(Object.getOwnPropertyDescriptor(never, 'payload')?.get).toBeDefined();
    expect(never?.payload?.members.map((m) => m.name)).toEqual(['n', 'bytes', 's']);
  });
});
