/**
 * The last run's traces for the plots: per control tick, the joint targets the arm was given and the joints it
 * measured, from whoever drove it (expert, policy). A new run clears the previous one; the trace of a finished
 * run stays until then. The policy's latencies come from its loop (PolicyLoop.history).
 */
import { NUM_JOINTS } from '../sim/kinematics';
import type { ControlTickInfo, Session } from './session';
import { Store } from './store';

export interface TraceState {
  /** Seconds since the run started, one per recorded tick. */
  time: number[];
  /** [joint][tick]: commanded targets and measured joints (LeRobot units: degrees, gripper 0–100). */
  targets: number[][];
  measured: number[][];
  driver: string;
  /** Bumped on every change, for cheap re-render checks. */
  version: number;
}

/** Cap on recorded ticks (10 minutes at 20 Hz): a run left going forever must not grow without bound. */
const MAX_TICKS = 12_000;

function empty(driver = 'none'): TraceState {
  return { time: [], targets: Array.from({ length: NUM_JOINTS }, () => []), measured: Array.from({ length: NUM_JOINTS }, () => []), driver, version: 0 };
}

export class EpisodeTrace {
  readonly store = new Store<TraceState>(empty());
  private trace = empty();
  private startTick = 0;
  private wasRunning = false;
  private readonly offTick: () => void;
  private readonly offStatus: () => void;
  private dirty = false;

  constructor(private readonly session: Session) {
    this.offTick = session.onControlTick((info) => this.onTick(info));
    this.offStatus = session.store.subscribe(() => this.onStatus());
    this.onStatus();
  }

  private onStatus(): void {
    const running = this.session.state.status === 'running';
    if (running && !this.wasRunning) {
      this.trace = empty(this.session.state.driver);
      this.startTick = this.session.currentTick;
      this.dirty = true;
      this.publish();
    }
    if (!running && this.wasRunning) this.publish();
    this.wasRunning = running;
  }

  private onTick(info: ControlTickInfo): void {
    if (this.session.state.status !== 'running' || this.trace.time.length >= MAX_TICKS) return;
    const hz = this.session.world.config.controlHz;
    this.trace.time.push((info.tick + 1 - this.startTick) / hz);
    for (let j = 0; j < NUM_JOINTS; j++) {
      this.trace.targets[j].push(info.targets[j]);
      this.trace.measured[j].push(info.state[j]);
    }
    this.dirty = true;
  }

  /** Hand the current trace to subscribers (the plots poll this a few times a second, not per tick). */
  publish(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const t = this.trace;
    this.store.set({ ...t, time: [...t.time], targets: t.targets.map((a) => [...a]), measured: t.measured.map((a) => [...a]), version: this.store.get().version + 1 });
  }

  dispose(): void {
    this.offTick();
    this.offStatus();
  }
}
