/** Node (CLIs, tests): the demangler's wasm read from node_modules. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadDemangler, type Demangle } from './demangle';

export function loadDemanglerNode(): Promise<Demangle> {
  const wasmPath = createRequire(import.meta.url).resolve('gecko-profiler-demangle/index_bg.wasm');
  return loadDemangler(async () => new Uint8Array(await readFile(wasmPath)));
}
