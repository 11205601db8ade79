/**
 * The one path from an opened experiment to a model: used by the decode worker, `npm run analyze` and tests,
 * so every consumer passes the same trace information (domain, env: kernel_release picks the prev_state
 * encoding) to the builder.
 */
import type { Experiment } from '../ctf/experiment';
import { ModelBuilder } from './builder';
import type { TraceModel } from './types';

export interface BuildModelOptions {
  /** nm-style symbol mapping texts, by file name. */
  symbolFiles?: Map<string, string>;
  /** Called after every event with the running count (cheap: keep any throttling in the callback). */
  onEvent?: (events: number) => void;
}

export interface BuiltModel {
  model: TraceModel;
  /** The decoder's error when a stream turned out corrupt: the model holds every event before it. */
  decodeError?: unknown;
}

export function modelBuilderFor(experiment: Experiment, symbolFiles?: Map<string, string>): ModelBuilder {
  return new ModelBuilder({
    sources: experiment.traces.map((t) => ({ name: t.name, domain: t.domain, env: t.env })),
    originNs: experiment.originNs,
    symbolFiles: symbolFiles && symbolFiles.size > 0 ? symbolFiles : undefined,
  });
}

/** Decodes every event of the experiment into a model. A decode error after valid events is returned, not thrown. */
export function buildModel(experiment: Experiment, opts: BuildModelOptions = {}): BuiltModel {
  const builder = modelBuilderFor(experiment, opts.symbolFiles);
  const onEvent = opts.onEvent;
  let events = 0;
  let decodeError: unknown;
  try {
    experiment.decode(
      (e) => {
        builder.addEvent(e);
        events++;
        if (onEvent) onEvent(events);
      },
      (l) => builder.addLoss(l),
    );
  } catch (err) {
    decodeError = err;
  }
  return { model: builder.finish(), decodeError };
}
