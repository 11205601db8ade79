/**
 * The builder for an opened experiment (the pool's model step, worker-api/pool.ts), so that every model gets the
 * same trace information (domain, env: kernel_release picks the prev_state encoding).
 */
import type { Experiment } from '../ctf/experiment';
import { ModelBuilder } from './builder';

export function modelBuilderFor(
  experiment: Experiment,
  symbolFiles?: Map<string, string>,
  partition?: { index: number; count: number },
): ModelBuilder {
  return new ModelBuilder({
    sources: experiment.traces.map((t) => ({ name: t.name, domain: t.domain, env: t.env })),
    originNs: experiment.originNs,
    symbolFiles: symbolFiles && symbolFiles.size > 0 ? symbolFiles : undefined,
    partition,
  });
}
