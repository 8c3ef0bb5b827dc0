/**
 * calibrate/ — fitting the roofline to a user's own measurements: `results.ts` reads
 * `vllm bench serve` and GuideLLM result files, `fit.ts` replays them on a simulated replica
 * and fits a RooflineScale, `profile.ts` writes the profile a scenario's fleet can name.
 */
export * from './results.js';
export * from './fit.js';
export * from './profile.js';
