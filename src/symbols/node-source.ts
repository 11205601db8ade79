/** Node (CLIs, tests): a file read through its descriptor, only the ranges asked for. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../base/byte-source';

export function fileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, 'r');
  const sizeBytes = fstatSync(fd).size;
  return {
    sizeBytes,
    read(offsetBytes, lengthBytes) {
      const length = Math.max(0, Math.min(lengthBytes, sizeBytes - offsetBytes));
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offsetBytes + done);
        if (n === 0) break;
        done += n;
      }
      return out.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}
