/**
 * One-line text of decoded field values for `npm run dump -- --format=text`, with integers in the base the
 * metadata prefers (TSDL `base = hex`, CTF 2 `preferred-display-base`), written as babeltrace2's text output does:
 * 0x.. (upper-case digits) for hexadecimal, 0b.. for binary, a leading 0 for octal.
 */
import type { FieldValue } from '../event';
import type { EventClass, FieldClass, StreamClass, TraceSchema } from '../schema';
import { displayName } from './compile';

/** `v` in base 2, 8 or 16 with its prefix; negative values as their two's complement over `sizeBits`. */
export function integerText(v: number | bigint, base: number, sizeBits = 64): string {
  if (base === 10) return String(v);
  let b = BigInt(v);
  if (b < 0n) b += 1n << BigInt(sizeBits);
  const digits = b.toString(base);
  return base === 16 ? `0x${digits.toUpperCase()}` : base === 2 ? `0b${digits}` : b === 0n ? '0' : `0${digits}`;
}

function baseOf(cls: FieldClass | undefined): { base: number; size: number } {
  if (!cls) return { base: 10, size: 64 };
  if (cls.kind === 'int') return { base: cls.base, size: cls.size };
  if (cls.kind === 'varint') return { base: cls.base, size: 64 };
  if (cls.kind === 'bitarray') return { base: 16, size: cls.size }; // a bit array is a set of bits: hexadecimal
  return { base: 10, size: 64 };
}

/** Text of a decoded value; `cls` (its field class, when known) gives integer bases. */
export function fieldText(v: FieldValue, cls?: FieldClass): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint') {
    const { base, size } = baseOf(cls);
    return integerText(v, base, size);
  }
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `<${[...v].map((b) => b.toString(16).padStart(2, '0')).join(' ')}>`;
  if (Array.isArray(v)) {
    const elem = cls && (cls.kind === 'array' || cls.kind === 'sequence') ? cls.element : undefined;
    // Keep one line readable: long arrays show their head and how many elements follow.
    const head = v
      .slice(0, 16)
      .map((x) => fieldText(x, elem))
      .join(', ');
    return v.length > 16 ? `[${head}, ... ${v.length - 16} more]` : `[${head}]`;
  }
  if ('enum' in v && 'labels' in v && Array.isArray(v.labels)) {
    const e = v as { enum: number | bigint; labels: string[] };
    const { base, size } = baseOf(cls);
    const n = integerText(e.enum, base, size);
    return e.labels.length > 0 ? `${e.labels.join('|')} (${n})` : n;
  }
  if ('variant' in v && 'value' in v && typeof v.variant === 'string') {
    const opt = cls?.kind === 'variant' ? cls.options.find((o) => displayName(o.name) === v.variant) : undefined;
    return fieldText(v.value as FieldValue, opt?.type);
  }
  let inner: FieldClass | undefined = cls;
  while (inner?.kind === 'optional') inner = inner.type;
  const members = inner?.kind === 'struct' ? inner.members : [];
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${k} = ${fieldText(x, members.find((m) => displayName(m.name) === k)?.type)}`)
    .join(', ')} }`;
}

/**
 * Event classes of a trace by name, for formatting. TraceEvent carries the class name, not its id; when several
 * stream classes have an event of the same name, the first one is used.
 */
export function eventClassesByName(schema: TraceSchema): Map<string, { event: EventClass; stream: StreamClass }> {
  const out = new Map<string, { event: EventClass; stream: StreamClass }>();
  for (const stream of schema.streams.values()) {
    for (const event of stream.events.values()) if (!out.has(event.name)) out.set(event.name, { event, stream });
  }
  return out;
}
