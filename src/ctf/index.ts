/** Public API of the CTF decoder (see notes in schema.ts / event.ts for the data contracts). */
export { CtfError } from './errors';
export {
  openExperiment,
  findTraceDirs,
  groupTraceFiles,
  type TraceInput,
  type Experiment,
  type ExperimentTrace,
  type ExperimentStream,
} from './experiment';
export { parseMetadata, metadataText } from './metadata';
export { parseTsdl } from './tsdl/resolve';
export type { TraceSchema } from './schema';
export type { TraceEvent, LossRecord, TraceDomain, FieldValue, FieldStruct } from './event';
