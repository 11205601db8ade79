import { expose } from 'comlink';
import demangleWasmUrl from 'gecko-profiler-demangle/index_bg.wasm?url';
import { createDecodeService } from '../src/worker-api/decode-service';

expose(createDecodeService({ loadDemangleWasm: async () => (await fetch(demangleWasmUrl)).arrayBuffer() }));
