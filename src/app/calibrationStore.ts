/**
 * Where the arm's calibration lives between visits: one LeRobot calibration JSON in the browser's storage under
 * a fixed key, so reconnecting the same arm never asks for it again. Storage is injected (a plain object in
 * tests); a browser that refuses storage (privacy modes throw on access) just means asking again next time.
 */
import { type Calibration, calibrationToJson, parseCalibrationJson } from '../hardware/calibration';

export const CALIBRATION_STORAGE_KEY = 'webvla.so101.calibration';

/** The part of the Web Storage API used here. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface LoadedCalibration {
  calibration: Calibration | null;
  /** Why a stored calibration was not used, in words; null when none was stored or it loaded. */
  problem: string | null;
}

export function loadCalibration(storage: StorageLike | null): LoadedCalibration {
  let text: string | null = null;
  try {
    text = storage?.getItem(CALIBRATION_STORAGE_KEY) ?? null;
  } catch {
    return { calibration: null, problem: null };
  }
  if (text === null) return { calibration: null, problem: null };
  try {
    return { calibration: parseCalibrationJson(text), problem: null };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { calibration: null, problem: `The calibration saved in this browser cannot be used (${detail}): import the file again or run the wizard.` };
  }
}

/** Stored in LeRobot's own format, so what the storage holds is exactly what Export gives. False if refused. */
export function saveCalibration(storage: StorageLike | null, calibration: Calibration): boolean {
  try {
    storage?.setItem(CALIBRATION_STORAGE_KEY, calibrationToJson(calibration));
    return storage !== null;
  } catch {
    return false;
  }
}

export function forgetCalibration(storage: StorageLike | null): void {
  try {
    storage?.removeItem(CALIBRATION_STORAGE_KEY);
  } catch {
    // Nothing stored that could be removed.
  }
}

/** The page's localStorage, or null where there is none or access throws. */
export function browserStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
