/**
 * Who leads, the sim or the real arm, as data: one entry per mode and one pure function that turns a control tick
 * into the bus work for it. The controller runs the plan; nothing here touches a bus or the session.
 */
import type { Driver } from './session';

export type HardwareMode = 'sim-drives-real' | 'real-drives-sim' | 'real-only' | 'mirror';

export interface ModeInfo {
  label: string;
  /** One line for the picker. */
  help: string;
  /** Torque off on the real arm while running: a person moves it by hand. */
  limp: boolean;
  /** Starting the mode stops whoever drives the sim, so the real arm alone moves it. */
  takesSim: boolean;
}

export const MODES: Readonly<Record<HardwareMode, ModeInfo>> = {
  mirror: {
    label: 'Mirror',
    help: 'Torque off: move the real arm by hand and the sim arm mirrors it. Takes the sim from the expert, policy or keyboard.',
    limp: true,
    takesSim: true,
  },
  'real-drives-sim': {
    label: 'Real drives sim',
    help: 'Torque off: the real arm is a leader arm and the sim arm follows it, grasps included (recording by hand). Expert, policy or keyboard take over the sim while they run.',
    limp: true,
    takesSim: false,
  },
  'sim-drives-real': {
    label: 'Sim drives real',
    help: 'The real arm follows the sim arm’s targets (expert, policy or keyboard), through the safety filter: at most 90°/s, inside its calibrated range.',
    limp: false,
    takesSim: false,
  },
  'real-only': {
    label: 'Real only',
    help: 'The real arm is the robot: the expert, policy or keyboard drive it, and while nothing drives, the sim arm follows the real one so the next run starts from its pose.',
    limp: false,
    takesSim: false,
  },
};

export const MODE_ORDER: readonly HardwareMode[] = ['mirror', 'real-drives-sim', 'sim-drives-real', 'real-only'];

export interface TickPlan {
  /** Torque off first (once: the controller remembers it is limp). */
  release: boolean;
  /** Goals to send through the robot's safety filter, or null. */
  send: number[] | null;
  /** The reading becomes the sim arm's external targets. */
  follow: boolean;
}

const READ_ONLY: TickPlan = { release: false, send: null, follow: false };

/**
 * One tick's bus work. Every plan ends with a position read (the live readings), so a stopped arm still shows
 * where it is. `targets`: the sim's joint targets this tick; `driver`: who drives the sim.
 */
export function planTick(mode: HardwareMode, running: boolean, driver: Driver, targets: number[]): TickPlan {
  if (!running) return READ_ONLY;
  switch (mode) {
    case 'mirror':
    case 'real-drives-sim':
      return { release: true, send: null, follow: true };
    case 'sim-drives-real':
      return { release: false, send: targets, follow: false };
    case 'real-only':
      return driver === 'none' ? { release: false, send: null, follow: true } : { release: false, send: targets, follow: false };
  }
}
