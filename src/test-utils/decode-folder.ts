/** A model through the app's one path (unpack a tar of the files, then decodeFiles), for tests on folders. */
import { writeTar } from '../ingest/tar';
import type { TraceModel } from '../model/types';
import { decodeFiles } from '../worker-api/decode-service';
import { unpackInputs } from '../worker-api/unpack-service';
import { folderEntries } from './corpus';

export function modelOfEntries(entries: Array<{ path: string; data: Uint8Array }>): TraceModel {
  const files = unpackInputs([{ path: 'trace.tar', data: writeTar(entries) }]);
  if (!files.ok) throw new Error(files.failure.message);
  const r = decodeFiles(files.value);
  if (!r.ok) throw new Error(r.failure.message);
  return r.value.model;
}

export function modelOfFolder(dir: string, root = 'trace'): TraceModel {
  return modelOfEntries(folderEntries(dir, root));
}
