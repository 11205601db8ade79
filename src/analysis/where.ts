/**
 * Where a function comes from, for the Functions table and `analyze`: a Python function's definition file
 * (`parser.py:41`), a C frame's binary (`libfoo.so`). Slices carry only a name id, so two functions of the same
 * name in different files or binaries are one name to the model and one row here: the place shows only when the
 * name is unambiguous (the model marks a Python name met in several files `conflicting`, and leaves a C name
 * listed in several binaries out of `symbols.named`).
 */
import { SliceKind, type IndexIntoStrings, type TraceModel } from '../model/types';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Returns the place of a (SliceKind, name) function; '' when the model does not know it. */
export function functionWhere(m: TraceModel): (kind: number, name: IndexIntoStrings) => string {
  const py = new Map<number, string>();
  for (const s of m.pythonSources ?? [])
    py.set(s.name, s.conflicting ? 'several files' : `${baseName(s.file)}:${s.line > 0 ? s.line : '?'}`);
  const c = new Map<number, string>();
  const bins = m.symbols?.binaries ?? [];
  for (const n of m.symbols?.named ?? []) c.set(n.label, baseName(bins[n.binary].path));
  for (const f of m.symbols?.frames ?? []) c.set(f.label, baseName(bins[f.binary].path));
  return (kind, name) => {
    if (kind === SliceKind.Python) return py.get(name) ?? '';
    if (kind !== SliceKind.C) return ''; // Built-ins: the trace does not say which module they are from.
    const known = c.get(name);
    if (known !== undefined) return known;
    // An offset label names its binary: `libfoo.so+0x12bb`.
    const off = /^(.+)\+0x[0-9a-f]+$/.exec(m.strings[name]);
    return off ? off[1] : '';
  };
}
