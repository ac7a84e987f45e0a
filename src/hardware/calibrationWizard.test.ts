import { calibrationError } from './calibrationTesting';
import { describe, expect, it } from 'vitest';
import { FeetechBus } from './bus';
import { CalibrationError, normalize, parseCalibrationJson, calibrationToJson } from './calibration';
import { CalibrationWizard } from './calibrationWizard';
import { So101Arm } from './so101';
import { fakeSo101, fakeTicks, placeJoints } from './so101Fixtures';
import { SO101_IDS, SO101_MOTOR_NAMES } from './so101Motors';

const CENTRE = [2500, 1200, 3000, 2047, 100, 3900];

/** Sweeps of each joint in the homed frame: [from, to] pairs. */
const SWEEP_LOW = [800, 820, 840, 860, 200, 2000];
const SWEEP_HIGH = [3300, 3280, 3250, 3240, 3900, 3400];

function runToRanges(w = new CalibrationWizard()): CalibrationWizard {
  w.start();
  w.home(CENTRE);
  return w;
}


describe('CalibrationWizard', () => {
  it('walks idle → centre → ranges → done and produces a valid calibration', () => {
    const w = new CalibrationWizard();
    expect(w.step).toBe('idle');
    w.start();
    expect(w.step).toBe('centre');
    expect(w.prompt).toMatch(/middle of its range/);
    const offsets = w.home(CENTRE);
    expect(offsets).toEqual(CENTRE.map((p) => p - 2047));
    expect(w.step).toBe('ranges');
    w.record(SO101_IDS.map(() => 2047));
    w.record(SWEEP_LOW);
    w.record(SWEEP_HIGH);
    w.record(SO101_IDS.map(() => 2047));
    expect(w.ranges).toEqual(SWEEP_LOW.map((min, i) => ({ min, max: SWEEP_HIGH[i] })));
    expect(w.problems()).toEqual([]);
    const cal = w.finish();
    expect(w.step).toBe('done');
    expect(w.calibration).toBe(cal);
    SO101_MOTOR_NAMES.forEach((m, i) => {
      expect(cal[m]).toEqual({ id: SO101_IDS[i], drive_mode: 0, homing_offset: CENTRE[i] - 2047, range_min: SWEEP_LOW[i], range_max: SWEEP_HIGH[i] });
    });
    // What the wizard makes, a file import accepts.
    expect(parseCalibrationJson(calibrationToJson(cal))).toEqual(cal);
  });

  it('names every joint that was not moved through enough of its range', () => {
    const w = runToRanges();
    w.record(SO101_IDS.map(() => 2047));
    w.record(SWEEP_LOW.map((v, i) => (i === 1 || i === 4 ? 2000 : v)));
    w.record(SWEEP_HIGH.map((v, i) => (i === 1 || i === 4 ? 2100 : v)));
    const err = calibrationError(() => w.finish());
    expect(err.message).toContain('shoulder_lift moved only 9°');
    expect(err.message).toContain('wrist_roll moved only 9°');
    expect(err.message).not.toContain('elbow_flex');
    expect(err.field).toBe('shoulder_lift');
    expect(w.step).toBe('ranges');
    // Moving them further fixes it without starting over.
    w.record(SWEEP_LOW);
    w.record(SWEEP_HIGH);
    expect(w.finish().shoulder_lift.range_min).toBe(820);
  });

  it('refuses to finish with no readings, and flags a range that reached the encoder wrap', () => {
    const w = runToRanges();
    expect(calibrationError(() => w.finish()).message).toMatch(/No positions recorded/);
    w.record(SWEEP_LOW.map((v, i) => (i === 4 ? 0 : v)));
    w.record(SWEEP_HIGH);
    expect(w.problems()).toEqual([expect.stringContaining("wrist_roll reached the end of its encoder's turn")]);
  });

  it('refuses a centre reading it cannot home, and keeps waiting for a good one', () => {
    const w = new CalibrationWizard();
    w.start();
    const err = calibrationError(() => w.home([2047, 2047, 4095, 2047, 2047, 2047]));
    expect(err.field).toBe('elbow_flex');
    expect(err.message).toMatch(/move it a little/);
    expect(w.step).toBe('centre');
    expect(w.home([2047, 2047, 4090, 2047, 2047, 2047])[2]).toBe(2043);
  });

  it('checks readings and the order of steps', () => {
    const w = new CalibrationWizard();
    expect(calibrationError(() => w.home(CENTRE)).message).toMatch(/belongs to step "centre", not "idle"/);
    expect(calibrationError(() => w.record(CENTRE)).message).toMatch(/belongs to step "ranges"/);
    w.start();
    expect(calibrationError(() => w.home([1, 2, 3])).message).toMatch(/needs 6 readings, got 3/);
    expect(calibrationError(() => w.home([1, 2, 3, 4, 5, Number.NaN])).field).toBe('gripper');
    expect(calibrationError(() => w.home([1, 2, 3, 4.5, 5, 6])).field).toBe('wrist_flex');
    expect(calibrationError(() => w.home([1, 2, -3, 4, 5, 6])).field).toBe('elbow_flex');
    w.home(CENTRE);
    expect(() => w.record([1, 2, 3, 4, 5, 4096])).toThrow(CalibrationError);
    w.start();
    expect(w.step).toBe('centre');
    expect(w.ranges).toBeNull();
  });

  it('honours a custom minimum range', () => {
    const w = runToRanges(new CalibrationWizard({ minRangeTicks: 10 }));
    w.record([2000, 2000, 2000, 2000, 2000, 2000]);
    w.record([2020, 2020, 2020, 2020, 2020, 2020]);
    expect(w.finish().gripper.range_max).toBe(2020);
  });

  it('calibrates a fake arm end to end over the bus, the way the UI will drive it', async () => {
    // An uncalibrated arm whose joints sit at arbitrary shaft positions.
    const fake = fakeSo101({ calibration: null, ticks: CENTRE });
    const arm = new So101Arm(new FeetechBus(fake, { timeoutMs: 50 }), null);
    const w = new CalibrationWizard();
    w.start();
    await arm.resetCalibration();
    const offsets = w.home(await arm.readRawPositions());
    await arm.writeHomingOffsets(offsets);
    // Homed: the middle now reads 2047 on every motor.
    expect(await arm.readRawPositions()).toEqual(SO101_IDS.map(() => 2047));
    for (const target of [SWEEP_LOW, SWEEP_HIGH, SO101_IDS.map(() => 2047)]) {
      placeJoints(fake, target);
      w.record(await arm.readRawPositions());
    }
    const cal = w.finish();
    await arm.writeCalibration(cal);
    expect(await arm.motorsMatch(cal)).toBe(true);
    expect(fakeTicks(fake)).toEqual(SO101_IDS.map(() => 2047));
    // At the recorded middle of each range the body joints read close to 0°.
    const units = await arm.readPositions();
    SO101_MOTOR_NAMES.forEach((m, i) => {
      if (m !== 'gripper') expect(units[i]).toBeCloseTo(normalize(2047, cal[m], 'degrees'), 9);
    });
    await arm.bus.close();
  });
});
