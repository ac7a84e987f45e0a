/**
 * One robot interface for the simulated and the real SO-101 (LeRobot's `robots/robot.py` shape). The control and
 * record loops know only `Robot`; configs are data picked by `type`, turned into a robot by `makeRobot` alone.
 * Units everywhere: LeRobot's calibrated units (src/sim/units.ts): body joints in degrees, gripper 0…100.
 */
import { ACTION_NAMES } from '../sim/units';
import type { SafetyFilter } from './safety';
import { SimRobot, type SimRobotConfig } from './simRobot';
import { So101Robot, type So101RobotConfig } from './so101Robot';

/**
 * - 'hold': torque stays on and every goal becomes the present position: the arm freezes where it is.
 * - 'release': torque off: the arm goes limp (it falls under gravity unless resting).
 */
export type StopMode = 'hold' | 'release';

export interface Observation {
  /** `observation.state`, in `observationFeatures` order. */
  state: number[];
}

export interface Robot {
  readonly name: string;
  /** `observation.state` names, e.g. `shoulder_pan.pos`. */
  readonly observationFeatures: readonly string[];
  /** `action` names, in the order `sendAction` takes them. */
  readonly actionFeatures: readonly string[];
  readonly isConnected: boolean;
  /** The filter `sendAction` applies; the loop reads its counts and sends `safety.hold()` when the model stalls. */
  readonly safety: SafetyFilter;
  connect(): Promise<void>;
  /** Idempotent; never rejects for a link that is already gone. */
  disconnect(): Promise<void>;
  getObservation(): Promise<Observation>;
  /** Filters `action` through `safety` and commands it; resolves with what was actually sent. */
  sendAction(action: ArrayLike<number>): Promise<number[]>;
  /** Stops motion; `mode` defaults to `defaultStopMode`. Resolves at once when there is nothing to stop (not connected). */
  stop(mode?: StopMode): Promise<void>;
  /** The mode Stop/Escape uses when none is given. */
  readonly defaultStopMode: StopMode;
  /**
   * Problems no caller was awaiting: the link lost (cable pulled), a background stop failing. Returns the
   * unsubscribe function. Listener errors are not caught here.
   */
  onError(listener: (error: Error) => void): () => void;
}

/** The six `<joint>.pos` features of the SO-101, sim and real alike. */
export const SO101_FEATURES: readonly string[] = ACTION_NAMES;

/** A command or read on a robot that is not connected (never connected, or disconnected on purpose). */
export class RobotNotConnectedError extends Error {
  constructor(robot: string) {
    super(`${robot} is not connected: press Connect first.`);
    this.name = 'RobotNotConnectedError';
  }
}

export type RobotConfig = SimRobotConfig | So101RobotConfig;

/** The one place that maps a config's `type` to a robot class. */
export function makeRobot(config: RobotConfig): Robot {
  switch (config.type) {
    case 'sim':
      return new SimRobot(config);
    case 'so101':
      return new So101Robot(config);
  }
}
