import { describe, expect, it } from 'vitest';
import { readTraceFolder } from '../node-fs';
import { openExperiment } from '../index';
import type { TraceEvent } from '../event';
import { tracePath } from '../../fixtures/corpus';
import { eventClassesByName, fieldText, integerText } from './text-format';

describe('dump text format', () => {
  it('shows integers in the base the metadata prefers, as babeltrace2 prints them', () => {
    // babeltrace2 tc-many-threads: syscall_entry_clone: { clone_flags = 0x1200011, newsp = 0x0, parent_tid = 0x0,
    // child_tid = 0x7FB3E20339D0 } (the kernel's TSDL declares these fields with base = 16).
    const exp = openExperiment(readTraceFolder(tracePath('tc-many-threads')));
    const classes = eventClassesByName(exp.traces[0].schema);
    let clone: TraceEvent | undefined;
    let sw: TraceEvent | undefined;
    exp.decode((e) => {
      if (!clone && e.name === 'syscall_entry_clone') clone = e;
      if (!sw && e.name === 'sched_switch') sw = e;
    });
    expect(clone && fieldText(clone.fields!, classes.get('syscall_entry_clone')?.event.payload)).toBe(
      '{ clone_flags = 0x1200011, newsp = 0x0, parent_tid = 0x0, child_tid = 0x7FB3E20339D0 }',
    );
    expect(sw && fieldText(sw.fields!, classes.get('sched_switch')?.event.payload)).toMatch(
      /^\{ prev_comm = "[^"]*", prev_tid = \d+, /,
    );
  });

  it('writes binary, octal and negative values like babeltrace2', () => {
    expect(integerText(5, 2)).toBe('0b101');
    expect(integerText(8, 8)).toBe('010');
    expect(integerText(0, 8)).toBe('0');
    expect(integerText(-1, 16, 16)).toBe('0xFFFF');
    expect(integerText(2n ** 64n - 1n, 16)).toBe('0xFFFFFFFFFFFFFFFF');
    expect(integerText(-3, 10)).toBe('-3');
  });
});
