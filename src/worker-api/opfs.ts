/**
 * Disk-backed storage for what has no file of its own: a trace downloaded by URL, or inflated from a `.tar.gz` /
 * `.zip`. Written through the Origin Private File System's synchronous access handles (dedicated workers only), then
 * handed on as `File`s, which the decode workers read packet by packet like a dropped file. Each load writes into
 * its own directory and is marked alive by a Web Lock held by its page; a new load deletes the directories of loads
 * whose lock is gone (earlier loads of this tab, closed tabs), never those of another open tab.
 */
import { type ByteSource } from '../ctf/decode/byte-source';
import type { SpillFile } from '../ingest/archive';

const LOADS_DIR = 'strata-loads';
const LOCK_PREFIX = 'strata-load:';

/** A fresh id for a load's OPFS directory and lock. */
export function newLoadId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The Web Lock that keeps a load's files. */
export function loadLockName(loadId: string): string {
  return `${LOCK_PREFIX}${loadId}`;
}

/**
 * A file written in OPFS; `file()` gives it as a `File` once its writer is closed. `entry` is its handle, which
 * decode workers open for reading (`openReadOnly`).
 */
export interface OpfsFile {
  readonly kind: 'opfs';
  readonly entry: FileSystemFileHandle;
  file(): Promise<File>;
}

export interface SyncHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  close(): void;
}

interface SyncCapableFileHandle {
  createSyncAccessHandle(options?: { mode: 'read-only' }): Promise<SyncHandle>;
  getFile(): Promise<File>;
}

/**
 * A read-only synchronous handle on an OPFS file (several can be open at once, in several workers), or null where
 * the browser has no such mode (then the file is read as a Blob). Closed with `close()` when decoding is done.
 */
export async function openReadOnly(entry: FileSystemFileHandle): Promise<SyncHandle | null> {
  try {
    return await (entry as unknown as SyncCapableFileHandle).createSyncAccessHandle({ mode: 'read-only' });
  } catch {
    return null;
  }
}

/** One load's directory. */
export class OpfsLoad {
  private constructor(private readonly dir: FileSystemDirectoryHandle) {}

  /** The load's directory, after deleting earlier loads' ones; null where OPFS or its sync handles are missing. */
  static async open(loadId: string): Promise<OpfsLoad | null> {
    const storage = (globalThis as { navigator?: Navigator }).navigator?.storage;
    if (!storage || typeof storage.getDirectory !== 'function') return null;
    try {
      const root = await storage.getDirectory();
      const loads = await root.getDirectoryHandle(LOADS_DIR, { create: true });
      await removeStaleLoads(loads, loadId);
      const dir = await loads.getDirectoryHandle(loadId, { create: true });
      const probe = (await dir.getFileHandle('.probe', { create: true })) as unknown as Partial<SyncCapableFileHandle>;
      if (typeof probe.createSyncAccessHandle !== 'function') return null;
      await dir.removeEntry('.probe');
      return new OpfsLoad(dir);
    } catch {
      return null; // private browsing, quota refused, no permission: the caller falls back to memory
    }
  }

  /** A new file, written synchronously (the writer must run in a dedicated worker). */
  async create(name: string): Promise<OpfsWriter> {
    const handle = (await this.dir.getFileHandle(name, { create: true })) as unknown as SyncCapableFileHandle;
    return new OpfsWriter(handle, await handle.createSyncAccessHandle());
  }
}

/** Appends to an OPFS file; reads back what is written (for listing a tar as it was inflated). */
export class OpfsWriter implements SpillFile<OpfsFile> {
  /** The disk is the bound: no gzip-bomb ratio check (a refused write is reported as out of storage). */
  readonly maxBytes = Infinity;
  readonly copies = true;
  private sizeBytes = 0;
  private closed = false;
  constructor(
    private readonly handle: SyncCapableFileHandle,
    private readonly access: SyncHandle,
  ) {}

  write(chunk: Uint8Array): void {
    let done = 0;
    while (done < chunk.length) {
      const n = this.access.write(chunk.subarray(done), { at: this.sizeBytes + done });
      if (n <= 0)
        throw new RangeError(`the browser's storage refused more data after ${this.sizeBytes + done} bytes (quota)`);
      done += n;
    }
    this.sizeBytes += chunk.length;
  }

  finish(): { source: ByteSource; handle: OpfsFile } {
    this.access.flush();
    const access = this.access;
    const size = this.sizeBytes;
    const source: ByteSource = {
      sizeBytes: size,
      read: (offsetBytes, lengthBytes) => {
        const out = new Uint8Array(Math.max(0, Math.min(size, offsetBytes + lengthBytes) - offsetBytes));
        if (out.length > 0) access.read(out, { at: offsetBytes });
        return out;
      },
    };
    return {
      source,
      handle: { kind: 'opfs', entry: this.handle as unknown as FileSystemFileHandle, file: () => this.close() },
    };
  }

  /** Closes the writer (once) and gives the file. */
  async close(): Promise<File> {
    if (!this.closed) {
      this.closed = true;
      this.access.close();
    }
    return this.handle.getFile();
  }
}

async function removeStaleLoads(loads: FileSystemDirectoryHandle, current: string): Promise<void> {
  const locks = (globalThis as { navigator?: Navigator }).navigator?.locks;
  // Without Web Locks, another tab's files cannot be told apart: leave them.
  if (!locks) return;
  const held = new Set(((await locks.query()).held ?? []).map((l) => l.name));
  const names: string[] = [];
  for await (const name of (loads as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  for (const name of names) {
    if (name === current || held.has(loadLockName(name))) continue;
    try {
      await loads.removeEntry(name, { recursive: true });
    } catch {
      // still open somewhere (a worker not yet gone): removed by a later load
    }
  }
}
