/**
 * From a scenario's LLM fleet description to the parts a replica runs on: catalog rows,
 * memory, and the step-time model (roofline, or the measured profile when one is given).
 */
import { findGpu, findModel, type EngineId } from '../catalog/index.js';
import type { LlmPerf, StepProfile } from '../scenario/index.js';
import { replicaMemory, type ReplicaConfig, type ReplicaMemory } from './memory.js';
import { LinearProfile, TableProfile } from './profiles.js';
import { RooflineStepTime } from './roofline.js';
import type { StepTimeModel } from './step-time.js';

export interface ReplicaSetup {
  readonly config: ReplicaConfig;
  readonly memory: ReplicaMemory;
  readonly stepTime: StepTimeModel;
}

export function replicaConfig(perf: LlmPerf): ReplicaConfig {
  const model = findModel(perf.model);
  const gpu = findGpu(perf.gpu);
  // The grammar only lets catalog ids through; a miss here is a bug, not bad input.
  if (!model || !gpu) throw new Error(`catalog has no ${model ? `GPU ${perf.gpu}` : `model ${perf.model}`}`);
  return { model, gpu, tp: perf.tp, dtype: perf.dtype, kvDtype: perf.kvDtype, gpuMemoryUtilization: perf.gpuMemoryUtilization };
}

export function stepTimeFromProfile(profile: StepProfile, config: ReplicaConfig, engine: EngineId): StepTimeModel {
  switch (profile.kind) {
    case 'linear':
      return new LinearProfile(profile.a, profile.b, profile.c);
    case 'table':
      return new TableProfile(profile);
    case 'roofline':
      return new RooflineStepTime(config, engine, profile.scale);
  }
}

export function setupReplica(perf: LlmPerf): ReplicaSetup {
  const config = replicaConfig(perf);
  return {
    config,
    memory: replicaMemory(config),
    stepTime: perf.profile ? stepTimeFromProfile(perf.profile, config, perf.engine) : new RooflineStepTime(config, perf.engine),
  };
}
