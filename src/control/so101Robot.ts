/**
 * The real SO-101 follower behind the Robot interface, over a byte transport (WebSerial, or the fake bus in tests).
 *
 * Lifecycle: a robot owns its transport. `connect()` scans, configures and enables torque without a jump.
 * A failed connect commands no motion and leaves the port open, so Connect can simply be pressed again after
 * fixing a cable: a motor missing at the scan leaves the torque as found; a failure after configure (which
 * turns torque off, as LeRobot's connect does) leaves it off. `disconnect()` releases torque (as LeRobot's `disable_torque_on_disconnect`) and closes the port.
 * A lost link (cable pulled) is final: the robot reports it once through `onError`, rejects every call with a
 * message saying so, and a new port makes a new robot.
 *
 * Stop: Stop/Escape default to 'hold' (torque on, goal = present position). A sudden stop comes mid-motion, often
 * with the arm reaching out; torque off would drop it onto the table, the object or a hand, since the STS3215s
 * have no brakes. 'release' stays available for hand-guiding, and `disconnect()` releases once the person is done.
 */
import { FeetechBus } from '../hardware/bus';
import { type BodyNormMode, type Calibration, normalize } from '../hardware/calibration';
import { Listeners } from '../hardware/listeners';
import { So101Arm } from '../hardware/so101';
import { So101Error, toSo101Error, UNPLUGGED_MESSAGE } from '../hardware/so101Errors';
import { MAX_TICK, SO101_MOTOR_NAMES } from '../hardware/so101Motors';
import type { ByteTransport } from '../hardware/transport';
import { ACTION_HIGH, ACTION_LOW } from '../sim/units';
import { type Observation, type Robot, RobotNotConnectedError, SO101_FEATURES, type StopMode } from './robot';
import { SafetyFilter, type SafetyLimits } from './safety';
import { Watchdog } from './watchdog';

export interface So101RobotConfig {
  type: 'so101';
  transport: ByteTransport;
  /** Validated LeRobot calibration (parseCalibrationJson or the wizard); written to the motors if they differ. */
  calibration: Calibration;
  /** Default 'degrees': the app's action unit, shared with the sim. */
  bodyMode?: BodyNormMode;
  /** Rate of sendAction calls, for the per-tick step limit. Default 30 Hz, LeRobot's recording rate. */
  controlHz?: number;
  /** Default: so101Limits(calibration, bodyMode, controlHz). */
  limits?: SafetyLimits;
  /**
   * Hold the arm when no action came for this long (ms); null disables. 1000 ms is 20–30 missed ticks at the
   * usual rates: a stalled loop or a throttled background tab, not jitter.
   */
  watchdogMs?: number | null;
  /** Bus timeout per request (ms); default FeetechBus's 100. */
  timeoutMs?: number;
  /** What stop() does without a mode. Default 'hold' (see above). */
  defaultStopMode?: StopMode;
}

/**
 * 90°/s: twice teleop's jog speed (45°/s), a third of the STS3215's no-load speed. Normal policy motion passes;
 * a glitch in the model's output becomes a slow drift someone can stop, not a lunge.
 */
export const REAL_JOINT_SPEED_DEG_S = 90;
/** Gripper: full stroke in 0.5 s; its torque is capped at configure, so speed is the lesser risk. */
export const REAL_GRIPPER_SPEED_UNITS_S = 200;

/**
 * Safety limits for the real arm: each motor's calibrated range in units, narrowed in degrees mode to the URDF
 * limits the sim uses (so an action means the same on both), and the speeds above.
 */
export function so101Limits(calibration: Calibration, bodyMode: BodyNormMode = 'degrees', controlHz = 30): SafetyLimits {
  if (!(controlHz > 0)) throw new RangeError(`controlHz must be > 0, got ${controlHz}`);
  const low: number[] = [];
  const high: number[] = [];
  const maxStep: number[] = [];
  SO101_MOTOR_NAMES.forEach((m, i) => {
    const c = calibration[m];
    if (m === 'gripper') {
      low.push(0);
      high.push(100);
      maxStep.push(REAL_GRIPPER_SPEED_UNITS_S / controlHz);
    } else if (bodyMode === 'degrees') {
      const lo = normalize(c.range_min, c, 'degrees');
      const hi = normalize(c.range_max, c, 'degrees');
      const overlap = Math.max(lo, ACTION_LOW[i]) <= Math.min(hi, ACTION_HIGH[i]);
      low.push(overlap ? Math.max(lo, ACTION_LOW[i]) : lo);
      high.push(overlap ? Math.min(hi, ACTION_HIGH[i]) : hi);
      maxStep.push(REAL_JOINT_SPEED_DEG_S / controlHz);
    } else {
      low.push(-100);
      high.push(100);
      // degrees → ticks → range_m100_100 units for this motor's range.
      const unitsPerDegree = ((MAX_TICK / 360) * 200) / (c.range_max - c.range_min);
      maxStep.push((REAL_JOINT_SPEED_DEG_S * unitsPerDegree) / controlHz);
    }
  });
  return { low, high, maxStep, names: [...SO101_FEATURES] };
}

type Phase = 'idle' | 'connecting' | 'connected' | 'faulted' | 'lost' | 'closed';

export class So101Robot implements Robot {
  readonly name = 'so101_follower';
  readonly observationFeatures = SO101_FEATURES;
  readonly actionFeatures = SO101_FEATURES;
  readonly defaultStopMode: StopMode;
  readonly safety: SafetyFilter;
  readonly arm: So101Arm;
  private readonly calibration: Calibration;
  private readonly errors = new Listeners<Error>();
  private readonly watchdog: Watchdog | null;
  private readonly offLost: () => void;
  private phase: Phase = 'idle';
  /** Why calls are refused in 'faulted' and 'lost'. */
  private failure: So101Error | null = null;
  private torqueOn = false;
  private connecting: Promise<void> | null = null;

  constructor(config: So101RobotConfig) {
    this.calibration = config.calibration;
    this.defaultStopMode = config.defaultStopMode ?? 'hold';
    const bodyMode = config.bodyMode ?? 'degrees';
    this.safety = new SafetyFilter(config.limits ?? so101Limits(config.calibration, bodyMode, config.controlHz));
    this.arm = new So101Arm(new FeetechBus(config.transport, { timeoutMs: config.timeoutMs }), config.calibration, { bodyMode });
    const watchdogMs = config.watchdogMs === undefined ? 1000 : config.watchdogMs;
    this.watchdog = watchdogMs === null ? null : new Watchdog(watchdogMs, () => this.background(this.stop('hold')));
    this.offLost = config.transport.onDisconnect(() => this.linkLost());
    if (!config.transport.connected) this.linkLost();
  }

  get isConnected(): boolean {
    return this.phase === 'connected';
  }

  /** Scan → configure → calibration in the motors → goals = present → torque on → safety filter from the pose. */
  connect(): Promise<void> {
    if (this.phase === 'connected') return Promise.resolve();
    if (this.phase === 'lost') return Promise.reject(this.failure);
    if (this.phase === 'closed') return Promise.reject(new RobotNotConnectedError('The arm'));
    this.connecting ??= this.doConnect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    this.phase = 'connecting';
    this.failure = null;
    try {
      const report = await this.arm.scan();
      if (!report.ok) {
        const ids = [...report.missing, ...report.garbled, ...report.wrongModel.map((w) => w.id)];
        const problem = report.missing.length > 0 ? 'no_answer' : report.garbled.length > 0 ? 'garbled' : 'wrong_motor';
        throw new So101Error(problem, report.message, ids);
      }
      await this.arm.configure();
      this.torqueOn = false;
      if (!(await this.arm.motorsMatch(this.calibration))) await this.arm.writeCalibration(this.calibration);
      await this.enableWithoutJump();
      this.phase = 'connected';
    } catch (err) {
      const error = toSo101Error(err);
      if (this.isLost()) throw this.failure ?? error;
      this.phase = 'idle';
      throw error;
    }
  }

  /** Goals = present positions, torque on, filter restarted from the pose: enabling never moves the arm. */
  private async enableWithoutJump(): Promise<void> {
    const held = await this.arm.holdPosition();
    await this.arm.enableTorque();
    this.torqueOn = true;
    this.safety.reset(this.arm.ticksToUnits(held));
  }

  /** Releases torque (best effort: the link may be gone) and closes the port. Never rejects. */
  async disconnect(): Promise<void> {
    this.watchdog?.stop();
    await this.connecting?.catch(() => {});
    const wasLive = this.phase === 'connected' || this.phase === 'faulted';
    this.phase = 'closed';
    this.offLost();
    if (wasLive) await this.arm.disableTorque().catch(() => {});
    this.torqueOn = false;
    await this.arm.bus.close().catch(() => {});
  }

  async getObservation(): Promise<Observation> {
    this.requireConnected();
    try {
      return { state: await this.arm.readPositions() };
    } catch (err) {
      throw await this.fail(err);
    }
  }

  async sendAction(action: ArrayLike<number>): Promise<number[]> {
    this.requireConnected();
    try {
      // After a release the arm may have sagged: stiffen it where it is, so the step limit starts from there.
      if (!this.torqueOn) await this.enableWithoutJump();
      const { action: safe } = this.safety.apply(action);
      await this.arm.writeGoals(safe);
      this.watchdog?.kick();
      return safe;
    } catch (err) {
      throw await this.fail(err);
    }
  }

  /**
   * 'hold': goal = present, torque stays on. 'release': torque off (the next sendAction stiffens it again where
   * it is). Resolves at once when there is nothing to stop (not connected, link lost).
   */
  async stop(mode: StopMode = this.defaultStopMode): Promise<void> {
    this.watchdog?.stop();
    if (this.phase !== 'connected' && this.phase !== 'faulted') return;
    try {
      if (mode === 'release') {
        await this.arm.disableTorque();
        this.torqueOn = false;
      } else {
        const held = await this.arm.holdPosition();
        this.safety.reset(this.arm.ticksToUnits(held));
      }
    } catch (err) {
      throw await this.fail(err);
    }
  }

  onError(listener: (error: Error) => void): () => void {
    return this.errors.add(listener);
  }

  private requireConnected(): void {
    if (this.phase === 'connected') return;
    if ((this.phase === 'faulted' || this.phase === 'lost') && this.failure) throw this.failure;
    throw new RobotNotConnectedError('The arm');
  }

  /**
   * A failed exchange → the error to throw. A lost link marks the robot lost. A silent motor faults the robot
   * after the answering motors are held, so nothing moves on with one joint unaccounted for; Connect re-checks.
   * Other errors (a garbled reply) pass: the next tick may well succeed.
   */
  private async fail(err: unknown): Promise<So101Error> {
    const error = toSo101Error(err);
    if (error.problem === 'disconnected' || this.isLost()) {
      this.linkLost();
      return this.failure ?? error;
    }
    if (error.problem === 'no_answer' && this.phase === 'connected') {
      this.watchdog?.stop();
      this.phase = 'faulted';
      this.failure = new So101Error('no_answer', `${error.message} The other motors hold their position; press Connect to check the arm again.`, error.motorIds, {
        cause: error,
      });
      await this.arm.holdPosition().catch(() => {});
      return this.failure;
    }
    return error;
  }

  /** A method, not a field read, so TypeScript does not narrow it away across awaits. */
  private isLost(): boolean {
    return this.phase === 'lost';
  }

  private linkLost(): void {
    if (this.phase === 'lost' || this.phase === 'closed') return;
    this.watchdog?.stop();
    this.phase = 'lost';
    this.torqueOn = false;
    this.failure = new So101Error('disconnected', UNPLUGGED_MESSAGE);
    this.errors.emit(this.failure);
  }

  /** Work nobody awaits (the watchdog's hold): its failure goes to onError, never to an unhandled rejection. */
  private background(work: Promise<unknown>): void {
    work.catch((err: unknown) => {
      if (!this.isLost()) this.errors.emit(toSo101Error(err));
    });
  }
}
