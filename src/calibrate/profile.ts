/**
 * The profile file `capsim calibrate` writes: the fitted scale with what it was fitted to,
 * in the grammar's `profile: { kind: roofline }` shape, so a fleet can name the file
 * (`profile: { file: my-h100.json }`) and the grammar checks it like a profile given in place.
 */
import type { Calibration } from './fit.js';

export interface FittedTo {
  readonly model: string;
  readonly gpu: string;
  readonly tp: number;
  readonly engine: string;
  readonly dtype: string;
  readonly file: string;
  readonly format: string;
}

export function calibratedProfile(fit: Calibration, fittedTo: FittedTo): Record<string, unknown> {
  return {
    kind: 'roofline',
    scale: fit.scale,
    fittedTo,
    errors: { medianBefore: fit.medianBefore, medianAfter: fit.medianAfter, compared: fit.after.length },
  };
}
