/** Node-only `OutputDir`: writes the session folder to disk as packets are produced. */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileSink, OutputDir } from './ctf-writer';

export class NodeDir implements OutputDir {
  constructor(readonly root: string) {}
  open(relPath: string): FileSink {
    const path = join(this.root, ...relPath.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'w');
    return {
      write: (chunk) => {
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      },
      close: () => closeSync(fd),
    };
  }
}
