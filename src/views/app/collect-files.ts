/** Turn a drop or a file dialog into a list of files with their paths relative to what the user picked. */
import type { SourceFile } from '../../worker-api/protocol';

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns batches (100 in Chromium) until an empty one.
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else {
          out.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: SourceFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await fileOf(entry as FileSystemFileEntry);
    out.push({ path: entry.fullPath.replace(/^\/+/, ''), blob: file });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walk(child, out);
  }
}

/** Files of a drop: folders are walked. Entries must be taken synchronously inside the drop event handler. */
export function filesFromDrop(dataTransfer: DataTransfer): Promise<SourceFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dataTransfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0) {
    loose.push(...Array.from(dataTransfer.files));
  }
  return (async () => {
    const out: SourceFile[] = loose.map((f) => ({ path: f.name, blob: f }));
    for (const e of entries) await walk(e, out);
    return out;
  })();
}

/** Files of an <input type=file>, with folder-relative paths when a directory was picked. */
export function filesFromInput(list: FileList | null): SourceFile[] {
  return Array.from(list ?? []).map((f) => ({ path: f.webkitRelativePath || f.name, blob: f }));
}
