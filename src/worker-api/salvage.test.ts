/**
 * A truncated or damaged stream no longer rejects the trace: every packet before the damage is decoded (the same
 * events as babeltrace2's reference decoding of the whole trace), the rest of the stream is a lost range, and
 * the failure says where (file, byte). A stream damaged from its first packet still refuses the trace.
 */
import { describe, expect, it } from 'vitest';
import { CtfError } from '../ctf';
import { openExperiment } from '../ctf/experiment';
import { compareRecords } from '../ctf/reference-compare';
import { decodeToRecords, type RefEvent, type RefRecord } from '../ctf/reference-format';
import { corpusEntries, referenceRecords } from '../fixtures/corpus';
import { writeTar } from '../ingest/tar';
import { decodeFiles } from './decode-service';
import { unpackInputs } from './unpack-service';

// tc-bug446190: four per-CPU kernel streams of 256 KiB packets; channel0_1 (CPU 1) has a second, 28 KiB packet.
const TRACE = 'tc-bug446190';
const FILE = 'channel0_1';
const SECOND_PACKET_BYTE = 262144;

function truncated(cutByte: number) {
  return corpusEntries(TRACE, 'trace').map((e) =>
    e.path === `trace/${FILE}` ? { path: e.path, data: e.data.subarray(0, cutByte) } : e,
  );
}

function decodeTruncated(cutByte: number) {
  const files = unpackInputs([{ path: 'trace.tar', data: writeTar(truncated(cutByte)) }]);
  if (!files.ok) throw new Error(files.failure.message);
  return decodeFiles(files.value);
}

const events = (rs: RefRecord[]) => rs.filter((r): r is RefEvent => r.k === 'event');

describe('salvaging a trace whose last packet is truncated', () => {
  const cut = SECOND_PACKET_BYTE + 7856;

  it('decodes the events before the damage exactly as babeltrace2 decodes them in the whole trace', () => {
    const files = new Map(truncated(cut).map((e) => [e.path.slice('trace/'.length), e.data]));
    const { records, error } = decodeToRecords(openExperiment([{ name: '', files }]));
    expect(error).toBeInstanceOf(CtfError);
    expect((error as CtfError).file).toBe(FILE);
    expect((error as CtfError).byteOffset).toBe(SECOND_PACKET_BYTE);

    const reference = events(referenceRecords(TRACE));
    const got = events(records);
    // The undamaged CPUs: every event.
    expect(
      compareRecords(
        got.filter((e) => e.cpu !== 1),
        reference.filter((e) => e.cpu !== 1),
      ),
    ).toEqual([]);
    // CPU 1: the events of its first packet, none invented, then nothing.
    const cpu1 = got.filter((e) => e.cpu === 1);
    const lastNs = BigInt(cpu1[cpu1.length - 1].t!);
    const before = reference.filter((e) => e.cpu === 1 && BigInt(e.t!) <= lastNs);
    expect(cpu1.length).toBeGreaterThan(1000);
    expect(before.length).toBeLessThan(reference.filter((e) => e.cpu === 1).length);
    expect(compareRecords(cpu1, before)).toEqual([]);
  });

  it('opens as a model with the rest of the damaged stream marked lost up to the trace end, saying where', () => {
    const r = decodeTruncated(cut);
    if (!r.ok) throw new Error(r.failure.message);
    const { model, partialFailure } = r.value;
    expect(partialFailure?.file).toBe(FILE);
    expect(partialFailure?.byteOffset).toBe(SECOND_PACKET_BYTE);
    const damaged = model.losses.filter((l) => l.kind === 'damaged-stream');
    expect(damaged).toHaveLength(1);
    const [l] = damaged;
    expect(l).toMatchObject({ file: FILE, byteOffset: SECOND_PACKET_BYTE, cpu: 1, count: 7856 });
    expect(l.beginNs).toBeGreaterThan(model.startNs);
    expect(l.beginNs).toBeLessThan(l.endNs);
    expect(l.endNs).toBe(model.endNs);
    // All events but those of the lost packet: the model holds more than the three undamaged CPUs alone.
    const reference = events(referenceRecords(TRACE));
    expect(model.eventCount).toBeGreaterThan(reference.filter((e) => e.cpu !== 1).length);
    expect(model.eventCount).toBeLessThan(reference.length);
  });

  it('still refuses a stream damaged in its first packet, with the file and byte', () => {
    const r = decodeTruncated(100000);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.message).toMatch(/^channel0_1, byte 0: packet size 262144 bytes goes beyond the end of the file/);
  });
});
