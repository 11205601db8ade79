/**
 * Frame search: which names match the search text, and the first matching slices for the results list.
 */
import type { TraceModel } from '../model/types';

/** matches[nameIndex] = 1 when strings[nameIndex] contains the query (case-insensitive). */
export function matchingNames(strings: readonly string[], query: string): Uint8Array | null {
  const q = query.trim().toLowerCase();
  if (q === '') return null;
  const out = new Uint8Array(strings.length);
  for (let i = 0; i < strings.length; i++) if (strings[i].toLowerCase().includes(q)) out[i] = 1;
  return out;
}

export interface SearchMatch {
  thread: number;
  index: number;
}

export interface SearchResult {
  /** Total matching slices over all threads. */
  total: number;
  /** The first `limit` matches, by thread then time. */
  matches: SearchMatch[];
}

export function findSlices(model: TraceModel, names: Uint8Array, limit = 200): SearchResult {
  const matches: SearchMatch[] = [];
  let total = 0;
  model.threads.forEach((t, thread) => {
    const name = t.slices.name;
    for (let i = 0; i < t.slices.count; i++) {
      if (names[name[i]] === 1) {
        if (matches.length < limit) matches.push({ thread, index: i });
        total++;
      }
    }
  });
  return { total, matches };
}
