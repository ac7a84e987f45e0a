/**
 * Everything random about a recorded episode, drawn in one fixed order from its seed: the instruction's
 * phrasing, the appearance, the jittered cameras and the DART noise. The datagen page and the Node replay
 * (training/sceneTargets.ts) both draw through here, so a replay rebuilds exactly what was recorded.
 */
import { jitterCamera, NEUTRAL_APPEARANCE, randomAppearance, type Appearance } from '../../src/render/appearance';
import { FRONT_CAMERA, type PolicyCameraSpec, WRIST_CAMERA } from '../../src/render/cameraSpec';
import type { ExpertOptions, ScriptedExpert } from '../../src/sim/expert';
import { NUM_ARM_JOINTS } from '../../src/sim/kinematics';
import type { Vec3 } from '../../src/sim/math';
import { Rng } from '../../src/sim/rng';
import { describeTask, type Episode, generateEpisode, type TaskFamily } from '../../src/sim/tasks';
import type { SimWorld } from '../../src/sim/world';
import { Fumble, fumbleKind } from './fumble';
import { RecoveryOffset } from './recoveryOffset';

export interface GenOptions {
  res: number;
  /** The front camera's resolution when it differs from `res` (the wrist camera's): objects are a few pixels
   * across in the front view at 64, too few to tell a cube from a cylinder. */
  frontRes?: number;
  randomize: boolean;
  /** Largest per-episode noise level (degrees) added to the executed body-joint actions. */
  maxNoiseDeg: number;
  /** Largest recovery offset (cm) held at each hover point (recoveryOffset.ts); 0 or absent: none. */
  recoveryCm?: number;
  /** Recovery offsets in grasp descents too (recoveryOffset.ts). */
  recoveryDescents?: boolean;
  /** The first approach goes over another object first (recoveryOffset.ts, decoyObject). */
  decoy?: boolean;
  /** Largest misaim (cm) of a stack's first carry, which the expert then retreats from (expert.ts ExpertOptions). */
  misaimCm?: number;
  /** Each pick, place and stack fumbles once (fumble.ts): a missed grasp or a drop on the way, and the expert's recovery. */
  fumble?: boolean;
  /** A loaded policy drives for a random 0 to this many seconds before the expert takes over (handover.ts); 0 or absent: the expert from the start. */
  handoverSeconds?: number;
  /** 'release': in place and stack, hand over at the policy's lowering or release instead (handover.ts ReleaseTrigger), `handoverSeconds` being then the latest handover; pick and push keep the random time. */
  handoverAt?: 'time' | 'release';
  /** Render the cameras only every this many control steps (1 or absent: every step). Rendering is nearly all of
   * a recording's cost and neighbouring frames are nearly the same picture: this records more layouts an hour.
   * The state, action and heatmap targets are still kept every step. */
  frameEvery?: number;
  /** Keep recording the expert this many seconds past success (0 or absent: stop at success). The eval ends at
   * success, but a policy that has just let go cannot tell it has succeeded: without these steps the data never
   * shows what follows a release (the jaws lifting clear), and round 25's traces show policies that dither low
   * over a stack they have just built and knock it off. */
  tailSeconds?: number;
}

/** Whether a recording's step has images: every `every`-th step, from a phase the seed picks. */
export function hasImages(seed: number, step: number, every: number): boolean {
  return step % every === seed % every;
}

export interface EpisodeSetup {
  ep: Episode;
  instruction: string;
  appearance: Appearance;
  cameras: PolicyCameraSpec[];
  noiseDeg: number;
  driver: NoisyDriver;
  expert: ExpertOptions;
}

/** The square resolution a camera records at. */
export function cameraRes(name: string, opts: Pick<GenOptions, 'res' | 'frontRes'>): number {
  return name === FRONT_CAMERA.name && opts.frontRes ? opts.frontRes : opts.res;
}

const FINE_PHASES = new Set(['descend', 'close', 'lower', 'realign', 'release', 'push']);

export function episodeSetup(seed: number, family: TaskFamily, opts: GenOptions): EpisodeSetup {
  const ep = generateEpisode(seed, family);
  const rng = new Rng(seed, 0xda7a);
  const instruction = describeTask(ep.task, ep.scene, rng.int(0, 99));
  const ids = [...ep.scene.objects.map((o) => o.id), ...ep.scene.bowls.map((b) => b.id)];
  const appearance = opts.randomize ? randomAppearance(rng, ids) : NEUTRAL_APPEARANCE;
  const cameras = [FRONT_CAMERA, WRIST_CAMERA].map((s) => ({
    ...(opts.randomize ? jitterCamera(s, rng, s.mount === 'wrist' ? 2 : 6) : s),
    width: cameraRes(s.name, opts),
    height: cameraRes(s.name, opts),
  }));
  const noiseDeg = opts.maxNoiseDeg > 0 ? rng.pick([0, 0.25, 0.5, 1].map((f) => f * opts.maxNoiseDeg)) : 0;
  // Its own stream: episodes recorded without recovery replay exactly as before.
  const decoy = opts.decoy ? decoyOffset(ep) : null;
  const recovery =
    opts.recoveryCm || decoy
      ? new RecoveryOffset(new Rng(seed, 0x5ec0), (opts.recoveryCm ?? 0) / 100, { descents: opts.recoveryDescents === true, ...(decoy ? { decoy } : {}) })
      : null;
  const fumble = opts.fumble ? fumbleFor(seed, family) : null;
  const expert = { ...expertOptions(seed, ep, opts.misaimCm ?? 0), ...(fumble?.kind === 'miss' ? { graspMiss: fumble.missOffset } : {}) };
  return { ep, instruction, appearance, cameras, noiseDeg, driver: new NoisyDriver(rng, noiseDeg, recovery, fumble), expert };
}

/** An episode's fumble, from a stream of its own (other episodes replay as before); null for a push. */
export function fumbleFor(seed: number, family: TaskFamily): Fumble | null {
  const rng = new Rng(seed, 0xf0b1);
  const kind = fumbleKind(rng, family);
  return kind ? new Fumble(rng, kind) : null;
}

/** A stack's misaim: 50–100 % of `maxCm` in a random direction, from a stream of its own (other episodes replay as before). */
export function expertOptions(seed: number, ep: Episode, maxCm: number): ExpertOptions {
  if (maxCm <= 0 || ep.task.family !== 'stack') return {};
  const rng = new Rng(seed, 0x415e);
  const r = (rng.uniform(0.5, 1) * maxCm) / 100;
  const a = rng.uniform(0, 2 * Math.PI);
  return { misaim: [r * Math.cos(a), r * Math.sin(a), 0] };
}

/**
 * The decoy of an episode: another object of the instructed object's colour if there is one (the confusion the
 * policy makes), else the nearest other object; → the table offset (m) from the instructed object to it, or null
 * for a push (it approaches beside the object, not over it) or a scene with one object.
 */
export function decoyOffset(ep: Episode): Vec3 | null {
  if (ep.task.family === 'push') return null;
  const target = ep.scene.objects.find((o) => o.id === ep.task.object);
  const others = ep.scene.objects.filter((o) => o.id !== ep.task.object && !(ep.task.family === 'stack' && o.id === ep.task.base));
  if (!target || others.length === 0) return null;
  const dist = (o: { x: number; y: number }) => Math.hypot(o.x - target.x, o.y - target.y);
  const same = others.filter((o) => o.color === target.color);
  const pick = (same.length ? same : others).reduce((a, b) => (dist(b) < dist(a) ? b : a));
  return [pick.x - target.x, pick.y - target.y, 0];
}

/**
 * DART: the expert's action is the label; what is executed carries noise held for a few ticks at a time (a
 * slow drift the expert must correct, not jitter it averages out), shrunk near contact.
 */
export class NoisyDriver {
  private noise = new Array<number>(NUM_ARM_JOINTS).fill(0);
  private steps = 0;

  constructor(
    private readonly rng: Rng,
    private readonly noiseDeg: number,
    private readonly recovery: RecoveryOffset | null = null,
    readonly fumble: Fumble | null = null,
  ) {}

  /** The expert's label for this tick and the action to execute; call once per control tick. */
  next(expert: ScriptedExpert, world: SimWorld): { label: number[]; executed: number[] } {
    const label = expert.act(world);
    if (this.steps % 5 === 0) this.noise = this.noise.map(() => this.rng.gaussian() * this.noiseDeg);
    const fine = FINE_PHASES.has(expert.phaseName) ? 0.25 : 1;
    const offset = this.recovery ? this.recovery.apply(label, expert.phaseName) : label;
    const aimed = this.fumble ? this.fumble.apply(offset, expert.phaseName) : offset;
    const executed = aimed.map((v, i) => (i < NUM_ARM_JOINTS ? v + this.noise[i] * fine : v));
    this.steps++;
    return { label, executed };
  }
}
