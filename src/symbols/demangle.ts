/**
 * C++ (Itanium) and Rust (legacy and v0) demangling through `gecko-profiler-demangle`: Rust's `cpp_demangle` and
 * `rustc-demangle` compiled to WebAssembly, the Firefox Profiler's demangler. The wasm (500 kB) is instantiated
 * only once a mangled name shows up; the caller hands its bytes (browser: fetched from the bundled asset URL,
 * Node: read from node_modules), so this module stays free of any loader.
 */
import * as glue from 'gecko-profiler-demangle/index_bg.js';

export type Demangle = (name: string) => string;

/** Whether a symbol looks mangled (Itanium `_Z`, Rust v0 `_R`): plain C names never need the wasm. */
export function looksMangled(name: string): boolean {
  return name.startsWith('_Z') || name.startsWith('_R') || name.startsWith('__Z');
}

/**
 * The part of the WebAssembly API used here. Workers and Node both have WebAssembly, but TypeScript declares it only
 * in the DOM library, which this DOM-free folder does not load (tsconfig.pure.json).
 */
type WasmBytes = ArrayBuffer | ArrayBufferView;
interface WasmApi {
  instantiate(
    bytes: WasmBytes,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let instantiated: Promise<Demangle> | undefined;

/** The demangler, instantiated once from the wasm bytes `loadWasm` gives. */
export function loadDemangler(loadWasm: () => Promise<WasmBytes>): Promise<Demangle> {
  instantiated ??= (async () => {
    const { instance } = await wasmApi.instantiate(await loadWasm(), { './index_bg.js': glue });
    const exports = instance.exports as Record<string, unknown> & { __wbindgen_start: () => void };
    glue.__wbg_set_wasm(exports as Parameters<typeof glue.__wbg_set_wasm>[0]);
    exports.__wbindgen_start();
    return (name: string) => {
      if (!looksMangled(name)) return name;
      const out = glue.demangle_any(name);
      // A name the demanglers cannot read comes back cut by one character: keep the raw symbol then.
      return out === name.slice(1) ? name : out;
    };
  })();
  return instantiated;
}
