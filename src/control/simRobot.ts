/**
 * The simulated SO-101 behind the Robot interface. It sets the world's joint targets; whoever owns the world
 * steps it (`stepControl()`), so the physics rate stays with the session, not with the robot.
 */
import type { SimWorld } from '../sim/world';
import { type Observation, type Robot, RobotNotConnectedError, SO101_FEATURES, type StopMode } from './robot';
import { defaultSimLimits, SafetyFilter, type SafetyLimits } from './safety';

export interface SimRobotConfig {
  type: 'sim';
  world: SimWorld;
  /** Default: defaultSimLimits(world.config.controlHz), the sim arm's own joint limits and top speed. */
  limits?: SafetyLimits;
}

export class SimRobot implements Robot {
  readonly name = 'sim_so101';
  readonly observationFeatures = SO101_FEATURES;
  readonly actionFeatures = SO101_FEATURES;
  /** A simulated arm has no torque to release: both modes freeze it, and 'hold' says what happens. */
  readonly defaultStopMode: StopMode = 'hold';
  readonly safety: SafetyFilter;
  readonly world: SimWorld;
  private connected = false;

  constructor(config: SimRobotConfig) {
    this.world = config.world;
    this.safety = new SafetyFilter(config.limits ?? defaultSimLimits(config.world.config.controlHz));
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    this.safety.reset(this.world.jointState());
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  async getObservation(): Promise<Observation> {
    this.requireConnected();
    return { state: this.world.jointState() };
  }

  async sendAction(action: ArrayLike<number>): Promise<number[]> {
    this.requireConnected();
    const { action: safe } = this.safety.apply(action);
    this.world.setAction(safe);
    return safe;
  }

  /** Targets become the measured pose (both modes; see defaultStopMode), and the filter restarts from it. No-op when not connected. */
  async stop(_mode: StopMode = this.defaultStopMode): Promise<void> {
    if (!this.connected) return;
    const state = this.world.jointState();
    this.world.setAction(state);
    this.safety.reset(state);
  }

  /** A simulated link is never lost, so nothing is ever reported. */
  onError(_listener: (error: Error) => void): () => void {
    return () => {};
  }

  private requireConnected(): void {
    if (!this.connected) throw new RobotNotConnectedError('The simulated arm');
  }
}
