/** Test support: run something that must fail with a CalibrationError, and return that error. */
import { expect } from 'vitest';
import { CalibrationError } from './calibration';

export function calibrationError(run: () => unknown): CalibrationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(CalibrationError);
    return err as CalibrationError;
  }
  throw new Error('expected a CalibrationError');
}
