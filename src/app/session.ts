/**
 * One playground session: the sim world, the current episode, and who drives the arm (nobody, the scripted
 * expert, or the keyboard). Steps physics in real time with a fixed step and an accumulator. No DOM.
 */
import { ScriptedExpert } from '../sim/expert';
import { instructionToTask } from '../sim/instructions';
import { generateEpisode, TIME_LIMIT, type Task, type TaskFamily, TaskMonitor } from '../sim/tasks';
import type { PolicyLoop } from '../control/policyLoop';
import { SimWorld } from '../sim/world';
import { Store } from './store';
import { isTeleopKey, teleopStep } from './teleop';

export type TeleopSource = 'keyboard' | 'gamepad';

export type RunStatus = 'idle' | 'running' | 'success' | 'timeout' | 'stopped';
export type Driver = 'none' | 'expert' | 'teleop' | 'policy';

/** What a control-tick listener hears, in LeRobot units, after the tick's physics. */
export interface ControlTickInfo {
  /** The tick just taken (0-based, counted since the world was created). */
  tick: number;
  /** The joint targets the sim arm was commanded this tick: whatever drove it. */
  targets: number[];
  /** The sim arm's measured joints after the tick. */
  state: number[];
}

/**
 * What a layout is rebuilt from: `reset(seed, family)` gives the same world for the same pair. The family is
 * the one the world was built with, which `state.family` stops being once an instruction names another.
 */
export interface SceneKey {
  seed: number;
  family: TaskFamily;
}

export interface SessionState {
  seed: number;
  family: TaskFamily;
  instruction: string;
  task: Task | null;
  /** Why the instruction cannot be run, in words (null when it can). */
  instructionError: string | null;
  unknownWords: string[];
  status: RunStatus;
  driver: Driver;
  /** Sim seconds since the run started. */
  elapsed: number;
  timeLimit: number;
  /** Bumps on every reset, so views rebuild their scene. */
  sceneVersion: number;
  jointState: number[];
}

/** Longest wall-clock slice simulated per frame (s): a stalled tab resumes slowly instead of jumping. */
const MAX_FRAME = 0.1;
/** How often the store hears about elapsed time and joint state (s): React re-renders at this rate, not per frame. */
const UI_PERIOD = 0.1;

export class Session {
  readonly store: Store<SessionState>;
  world!: SimWorld;
  private expert: ScriptedExpert | null = null;
  private policy: PolicyLoop | null = null;
  /** Control ticks since the world was created: the clock the policy loop indexes chunks by. */
  private tickIndex = 0;
  private monitor: TaskMonitor | null = null;
  /** Teleop input per source (keyboard, gamepad): key → strength in (0, 1]; `keys` is their union (max). */
  private readonly teleopInputs = new Map<TeleopSource, ReadonlyMap<string, number>>();
  private keys = new Map<string, number>();
  private accumulator = 0;
  private sceneKey: SceneKey = { seed: 0, family: 'place' };
  private runStart = 0;
  private lastUi = -1;
  private readonly tickListeners = new Set<(info: ControlTickInfo) => void>();
  /** An action fed from outside (a real leader arm); applied while no driver holds the arm. */
  private externalTargets: number[] | null = null;

  private constructor() {
    this.store = new Store<SessionState>({
      seed: 0,
      family: 'place',
      instruction: '',
      task: null,
      instructionError: null,
      unknownWords: [],
      status: 'idle',
      driver: 'none',
      elapsed: 0,
      timeLimit: TIME_LIMIT.place,
      sceneVersion: 0,
      jointState: [],
    });
  }

  static async create(seed = 0, family: TaskFamily = 'place'): Promise<Session> {
    const s = new Session();
    await s.reset(seed, family);
    return s;
  }

  get state(): SessionState {
    return this.store.get();
  }

  /** The seed and family the current world was built from (the last reset's arguments). */
  get scene(): SceneKey {
    return { ...this.sceneKey };
  }

  /** A fresh layout for the seed, with the family's default instruction for it. */
  async reset(seed: number, family: TaskFamily = this.state.family): Promise<void> {
    const episode = generateEpisode(seed, family);
    const world = await SimWorld.create(episode.scene);
    this.world?.dispose();
    this.world = world;
    this.sceneKey = { seed, family };
    this.expert = null;
    this.stopPolicy();
    this.monitor = null;
    this.tickIndex = 0;
    this.accumulator = 0;
    this.store.set({
      seed,
      family,
      instruction: episode.instruction,
      task: episode.task,
      instructionError: null,
      unknownWords: [],
      status: 'idle',
      driver: 'none',
      elapsed: 0,
      timeLimit: TIME_LIMIT[family],
      sceneVersion: this.state.sceneVersion + 1,
      jointState: world.jointState(),
    });
  }

  /** Parse an instruction against the current scene; the task it names becomes the one to run. */
  setInstruction(text: string): void {
    const r = instructionToTask(text, this.world.spec);
    if (r.ok) {
      this.store.set({ instruction: text, task: r.task, family: r.task.family, instructionError: null, unknownWords: [], timeLimit: TIME_LIMIT[r.task.family] });
    } else {
      this.store.set({ instruction: text, task: null, instructionError: r.error, unknownWords: r.unknownWords ?? [] });
    }
  }

  /** Start the scripted expert on the current task, from wherever the arm is. */
  runExpert(): boolean {
    const task = this.state.task;
    if (!task) return false;
    this.expert = new ScriptedExpert(task, this.world.spec, this.world.config.controlHz);
    this.monitor = new TaskMonitor(task, this.world.spec);
    this.runStart = this.world.time;
    this.store.set({ status: 'running', driver: 'expert', elapsed: 0, timeLimit: TIME_LIMIT[task.family] });
    return true;
  }

  /** Hand the arm to a policy loop for the current task; the arm starts from wherever it is. */
  runPolicy(loop: PolicyLoop): boolean {
    const task = this.state.task;
    if (!task) return false;
    this.expert = null;
    this.stopPolicy();
    this.policy = loop;
    this.monitor = new TaskMonitor(task, this.world.spec);
    this.runStart = this.world.time;
    this.store.set({ status: 'running', driver: 'policy', elapsed: 0, timeLimit: TIME_LIMIT[task.family] });
    return true;
  }

  get currentTick(): number {
    return this.tickIndex;
  }

  private stopPolicy(): void {
    this.policy?.stop();
    this.policy = null;
  }

  /** Stop whoever is driving; the arm holds its current pose. */
  stop(): void {
    this.expert = null;
    this.stopPolicy();
    this.world.setAction(this.world.jointState());
    this.store.set({ status: this.state.status === 'running' ? 'stopped' : this.state.status, driver: 'none' });
  }

  /** Held keys from the keyboard; a teleop key takes the arm from the expert. */
  setKeys(keys: Iterable<string>): void {
    this.setTeleopInput('keyboard', new Map([...keys].map((k) => [k, 1])));
  }

  /**
   * Teleop input from one source (keyboard keys at strength 1, a gamepad's sticks in between); sources add up
   * by taking the stronger of each key. Any input takes the arm from the expert or the policy.
   */
  setTeleopInput(source: TeleopSource, input: ReadonlyMap<string, number>): void {
    const clean = new Map([...input].filter(([k, v]) => isTeleopKey(k) && Number.isFinite(v) && v > 0).map(([k, v]) => [k, Math.min(1, v)]));
    if (clean.size === 0) this.teleopInputs.delete(source);
    else this.teleopInputs.set(source, clean);
    const merged = new Map<string, number>();
    for (const m of this.teleopInputs.values()) for (const [k, v] of m) merged.set(k, Math.max(v, merged.get(k) ?? 0));
    this.keys = merged;
    if (this.keys.size > 0 && this.state.driver !== 'teleop') {
      this.expert = null;
      this.stopPolicy();
      this.store.set({ driver: 'teleop', status: this.state.status === 'running' ? 'stopped' : this.state.status });
    }
  }

  /**
   * Called at the end of every control tick, synchronously: a listener must return at once (start async work,
   * never await it here). A throwing listener is reported asynchronously and does not stop the sim.
   * Returns the unsubscribe function.
   */
  onControlTick(listener: (info: ControlTickInfo) => void): () => void {
    this.tickListeners.add(listener);
    return () => {
      this.tickListeners.delete(listener);
    };
  }

  /**
   * While not null, `action` (LeRobot units) is the sim arm's action on every tick that no driver (expert,
   * policy, keyboard) claims. Null hands the arm back to its own targets.
   */
  setExternalTargets(action: ArrayLike<number> | null): void {
    this.externalTargets = action ? Array.from(action) : null;
  }

  /** Advance by a frame's wall-clock time; returns the number of control ticks taken. */
  advance(frameSeconds: number): number {
    const period = 1 / this.world.config.controlHz;
    this.accumulator += Math.min(Math.max(frameSeconds, 0), MAX_FRAME);
    let ticks = 0;
    while (this.accumulator >= period) {
      if (!this.controlTick(period)) {
        // Synchronous policy waiting on the model: the world waits too, and no backlog builds up.
        this.accumulator = Math.min(this.accumulator, period);
        break;
      }
      this.accumulator -= period;
      ticks++;
    }
    if (ticks > 0 && (this.world.time - this.lastUi >= UI_PERIOD || this.lastUi < 0 || this.world.time < this.lastUi)) {
      this.lastUi = this.world.time;
      const patch: Partial<SessionState> = { jointState: this.world.jointState() };
      if (this.state.status === 'running') patch.elapsed = this.world.time - this.runStart;
      this.store.set(patch);
    }
    return ticks;
  }

  /** One control period; false when the policy asked the world to wait. */
  private controlTick(period: number): boolean {
    if (this.policy) {
      // The loop sends its action through the sim robot (Robot interface); sync mode may ask the world to wait.
      if (this.policy.tick(this.tickIndex).waiting) return false;
    } else if (this.expert) this.world.setAction(this.expert.act(this.world));
    else if (this.keys.size > 0) this.world.setAction(teleopStep(this.world.jointTargets(), this.keys, period));
    else if (this.externalTargets) this.world.setAction(this.externalTargets);
    this.world.stepControl();
    this.tickIndex++;
    if (this.monitor && this.state.status === 'running') {
      const status = this.monitor.update(this.world, period);
      const elapsed = this.world.time - this.runStart;
      if (status === 'success') this.finish('success', elapsed);
      else if (elapsed >= this.state.timeLimit) this.finish('timeout', elapsed);
    }
    this.emitTick();
    return true;
  }

  private emitTick(): void {
    if (this.tickListeners.size === 0) return;
    const info: ControlTickInfo = { tick: this.tickIndex - 1, targets: this.world.jointTargets(), state: this.world.jointState() };
    for (const listener of [...this.tickListeners]) {
      try {
        listener(info);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  private finish(status: RunStatus, elapsed: number): void {
    this.expert = null;
    this.stopPolicy();
    this.store.set({ status, elapsed, driver: 'none' });
  }

  dispose(): void {
    this.world.dispose();
  }
}
