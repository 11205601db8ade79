/**
 * The built-in demo: the `article` scenario as one .tar.gz holding an LTTng session folder
 * (`python-fullstack-20141202-143000/{kernel,ust/uid/1000/64-bit}/...`) and, beside it, the `nm` listing of the
 * instrumented extension, so the demo shows C frames by function name.
 */
import { gzipSync } from 'fflate';
import { writeTar } from '../ingest/tar';
import { FOO2_SYMBOLS } from './scenario';
import { MemoryDir, synthesizeSession, type SynthResult } from './session';

export const DEMO_SESSION_DIR = 'python-fullstack-20141202-143000';
export const FOO2_NM_FILE = 'foo2.cpython-311-x86_64-linux-gnu.so.nm';

/** What `nm foo2.cpython-311-x86_64-linux-gnu.so` prints: offsets in the binary (a file named after a binary). */
export function foo2NmText(): string {
  const lines: string[] = [];
  Object.entries(FOO2_SYMBOLS).forEach(([fn, { pw, pf }], i) => {
    lines.push(`${pw.toString(16).padStart(16, '0')} t __pyx_pw_4foo2_${2 * i + 1}${fn}`);
    lines.push(`${pf.toString(16).padStart(16, '0')} t __pyx_pf_4foo2_${fn}`);
  });
  // A symbol past the last function bounds it (the lookup refuses addresses beyond the last symbol).
  lines.push(`${(0x4000).toString(16).padStart(16, '0')} T _fini`);
  return lines.join('\n') + '\n';
}

export function buildDemoArchive(): { archive: Uint8Array; result: SynthResult } {
  const dir = new MemoryDir();
  const result = synthesizeSession(dir, { scenario: 'article' });
  const symbols = { path: `${DEMO_SESSION_DIR}/${FOO2_NM_FILE}`, data: new TextEncoder().encode(foo2NmText()) };
  const tar = writeTar([...dir.entries(`${DEMO_SESSION_DIR}/`), symbols]);
  return { archive: gzipSync(tar, { level: 9, mtime: 0 }), result };
}
