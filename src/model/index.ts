/** Analysis model: decoded events -> per-thread column tables (call slices, thread states, syscalls). */
export { ModelBuilder, stateFromPrevState } from './builder';
export type { ModelSourceInfo, ModelBuilderOptions } from './builder';
export { modelBuilderFor } from './from-experiment';
export { modelFromEvents, EventPacker } from './packed-events';
export type { EventRecord } from './builder';
export { SymbolResolver, SymbolTable } from './symbols';
export { summarizeModel, formatSummary } from './summary';
export type { ModelSummary, ThreadSummary } from './summary';
export * from './types';
