/**
 * Drives the CalibrationWizard state machine against the arm: the bus work each step names (reset, homing
 * offsets) and, during the range step, a steady poll of raw positions that widens the ranges. One request is in
 * flight at a time; a poll that finds the bus busy is skipped. Publishes a plain view for the UI.
 */
import { FeetechBus } from '../hardware/bus';
import type { Calibration } from '../hardware/calibration';
import { CalibrationWizard, type JointRange, type WizardStep } from '../hardware/calibrationWizard';
import { So101Arm } from '../hardware/so101';
import { toSo101Error } from '../hardware/so101Errors';
import type { ByteTransport } from '../hardware/transport';

export interface WizardView {
  step: WizardStep;
  prompt: string;
  /** Each joint's recorded range so far, in ticks (joint order); null before the first reading. */
  ranges: readonly JointRange[] | null;
  /** The latest raw reading (ticks, joint order), for the live bars. */
  live: readonly number[] | null;
  /** What still keeps Finish from succeeding. */
  problems: readonly string[];
  /** A bus step is running: the buttons wait. */
  busy: boolean;
  /** The last failure, in words. */
  error: string | null;
}

/** 20 readings a second: a joint swung end to end in half a second still leaves ~10 readings along the way. */
const POLL_MS = 50;

export class CalibrationRun {
  private readonly wizard = new CalibrationWizard();
  private readonly arm: So101Arm;
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling = false;
  private live: number[] | null = null;
  private busy = false;
  private error: string | null = null;
  private closed = false;

  /** `link`: a lease on the open port that this run owns and closes. */
  constructor(
    link: ByteTransport,
    private readonly publish: (view: WizardView) => void,
    timeoutMs?: number,
  ) {
    this.arm = new So101Arm(new FeetechBus(link, { timeoutMs }), null);
  }

  get view(): WizardView {
    const w = this.wizard;
    return { step: w.step, prompt: w.prompt, ranges: w.ranges, live: this.live, problems: w.problems(), busy: this.busy, error: this.error };
  }

  /** Torque off and the motors' calibration cleared, so readings are bare shaft positions; then the centre step. */
  start(): Promise<void> {
    return this.work(async () => {
      this.stopPolling();
      await this.arm.resetCalibration();
      this.wizard.start();
      this.live = await this.arm.readRawPositions();
    });
  }

  /** Centre → ranges: homes every motor on its present position, then records positions until Finish. */
  next(): Promise<void> {
    return this.work(async () => {
      const offsets = this.wizard.home(await this.arm.readRawPositions());
      await this.arm.writeHomingOffsets(offsets);
      this.timer = setInterval(() => void this.poll(), POLL_MS);
    });
  }

  /** Ranges → done: the calibration, or null with the reasons in the view's `error`. */
  async finish(): Promise<Calibration | null> {
    let result: Calibration | null = null;
    await this.work(async () => {
      this.stopPolling();
      try {
        result = this.wizard.finish();
      } catch (err) {
        // Not done yet: keep recording so the person can move the joints that were missed.
        this.timer = setInterval(() => void this.poll(), POLL_MS);
        throw err;
      }
    });
    return result;
  }

  /** Stops polling and releases the port lease. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopPolling();
    await this.arm.bus.close().catch(() => {});
  }

  private async poll(): Promise<void> {
    if (this.polling || this.busy || this.closed || this.wizard.step !== 'ranges') return;
    this.polling = true;
    try {
      const raw = await this.arm.readRawPositions();
      if (this.wizard.step !== 'ranges') return;
      this.live = raw;
      this.wizard.record(raw);
      this.error = null;
    } catch (err) {
      this.error = explain(err);
    } finally {
      this.polling = false;
      if (!this.closed) this.publish(this.view);
    }
  }

  /** Runs one step with the view marked busy; failures become the view's error, never a rejection. */
  private async work(step: () => Promise<void>): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    this.error = null;
    this.publish(this.view);
    try {
      await step();
    } catch (err) {
      this.error = explain(err);
    } finally {
      this.busy = false;
      if (!this.closed) this.publish(this.view);
    }
  }

  private stopPolling(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

/** A CalibrationError already speaks to the person; bus failures go through the arm's wording. */
function explain(err: unknown): string {
  if (err instanceof Error && err.name === 'CalibrationError') return sentence(err.message);
  return toSo101Error(err).message;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/([^.!?])$/, '$1.');
}
