/**
 * policy.json: one versioned manifest describes any policy the runtime can run (bins, flow or regression
 * head), its inputs, its normalisation statistics, and which ONNX graphs implement it. Validated at load.
 */
import { z } from 'zod';

export const MANIFEST_FORMAT = 'webvla-policy';
export const MANIFEST_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const vec = (n?: number) => (n === undefined ? z.array(finite).min(1).max(64) : z.array(finite).length(n));
/** File names inside the model folder: no paths out of it, no URLs. */
const fileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'must be a relative file name inside the model folder')
  .refine((s) => !s.split('/').includes('..'), 'must not leave the model folder');
const ioName = z.string().min(1).max(200);

const camera = z.object({
  name: z.string().min(1).max(40),
  /** Graph input that receives this camera's image. */
  input: ioName,
  width: z.number().int().min(8).max(1024),
  height: z.number().int().min(8).max(1024),
});

const bins = z.object({
  type: z.literal('bins'),
  graph: fileName,
  /** Output logits, shape [1, chunk, action_dim, bins]. */
  output: ioName,
  bins: z.number().int().min(2).max(4096),
  /** Range the bins cover in normalised action space (OpenVLA: [-1, 1]). */
  low: finite.default(-1),
  high: finite.default(1),
});

/** Largest flow noise scale a manifest or a person may ask for. */
export const NOISE_SCALE_MAX = 2;

/** Per-run overrides of a flow head's sampling (unset: the manifest's). */
export interface FlowSampling {
  noiseScale?: number;
  samples?: number;
}

/** Most flow samples per chunk a manifest or a person may ask for (each costs `steps` denoiser runs). */
export const FLOW_SAMPLES_MAX = 32;

/** Refuses a sample count outside [1, FLOW_SAMPLES_MAX]. */
export function checkFlowSamples(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > FLOW_SAMPLES_MAX) throw new Error(`flow samples must be a whole number from 1 to ${FLOW_SAMPLES_MAX}, not ${n}`);
}

/** Refuses a noise scale outside [0, NOISE_SCALE_MAX], with a message a person can act on. */
export function checkNoiseScale(scale: number): void {
  if (!Number.isFinite(scale) || scale < 0 || scale > NOISE_SCALE_MAX) throw new Error(`noise scale must be between 0 and ${NOISE_SCALE_MAX}, not ${scale}`);
}

const flow = z.object({
  type: z.literal('flow'),
  /** Runs once per chunk: (images, tokens, state) → context. */
  encoder: fileName,
  context_output: ioName,
  /** Runs `steps` times per chunk: (x_t, t, context) → velocity. */
  denoiser: fileName,
  noise_input: ioName,
  time_input: ioName,
  context_input: ioName,
  velocity_output: ioName,
  /** Euler steps from t = 1 (noise) to t = 0 (actions); pi0 uses 10. */
  steps: z.number().int().min(1).max(100).default(10),
  /**
   * Scale of the starting noise. Below 1 the flow starts nearer the centre of its prior and lands on a more
   * typical chunk: less diverse, and steadier from one chunk to the next in closed loop. 1 samples the trained
   * distribution.
   */
  noise_scale: z.number().min(0).max(NOISE_SCALE_MAX).default(1),
  /**
   * Chunks drawn per observation (the encoder still runs once); above 1 the runtime keeps their medoid, the
   * sample nearest all the others: steadier than one draw, still a chunk the flow drew.
   */
  samples: z.number().int().min(1).max(FLOW_SAMPLES_MAX).default(1),
});

const regression = z.object({
  type: z.literal('regression'),
  graph: fileName,
  /** Output action chunk, shape [1, chunk, action_dim], normalised. */
  output: ioName,
});

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  name: z.string().min(1).max(100),
  description: z.string().max(2000).optional(),
  robot: z.literal('so101'),
  action: z.object({
    names: z.array(z.string().min(1).max(60)).min(1).max(32),
    /** LeRobot units of the SO-101: body joints in degrees or range_m100_100, gripper range_0_100. */
    units: z.object({ body: z.enum(['degrees', 'range_m100_100']), gripper: z.literal('range_0_100') }),
    /**
     * Per dimension: the model predicts the action relative to the joint state it observed (the chunk's
     * offsets from where the arm is), and the runtime adds that state back. openpi's delta actions: small
     * moves are learnt as moves, not as a copy of the state plus a hair. Absent: every dimension absolute.
     */
    relative_to_state: z.array(z.boolean()).min(1).max(32).optional(),
  }),
  control_hz: z.number().min(1).max(200),
  chunk: z.object({
    /** Actions the model predicts per inference. */
    length: z.number().int().min(1).max(256),
  }),
  cameras: z.array(camera).min(1).max(4),
  image: z.object({
    /** Pixels are scaled to [0, 1], then (x − mean) / std per channel; NCHW float32. */
    mean: vec(3),
    std: vec(3).refine((v) => v.every((x) => x > 0), 'std must be positive'),
  }),
  tokenizer: z.object({
    /** Folder (inside the model folder) holding tokenizer.json and tokenizer_config.json. */
    path: fileName,
    max_length: z.number().int().min(1).max(512),
    ids_input: ioName,
    mask_input: ioName.optional(),
    /** Token ids as int64 (PyTorch's default) or int32 (kinder to WebGPU). */
    dtype: z.enum(['int64', 'int32']).default('int64'),
    /** Vocabulary the model was trained on, for the UI's unknown-word hints. */
    instructions: z.array(z.string().max(300)).max(1000).optional(),
  }),
  state: z.object({
    input: ioName,
    mean: vec(),
    std: vec().refine((v) => v.every((x) => x > 0), 'std must be positive'),
  }),
  normalization: z.discriminatedUnion('type', [
    /** OpenVLA: a = 0.5·(a_n + 1)·(q99 − q01) + q01 where mask is set, a_n elsewhere. */
    z.object({ type: z.literal('q01_q99'), q01: vec(), q99: vec(), mask: z.array(z.boolean()).min(1).max(64) }),
    z.object({ type: z.literal('mean_std'), mean: vec(), std: vec() }),
  ]),
  head: z.discriminatedUnion('type', [bins, flow, regression]),
});

export type PolicyManifest = z.infer<typeof manifestSchema>;
export type HeadSpec = PolicyManifest['head'];

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Parse and validate policy.json; errors name the field and say what is wrong. */
export function parseManifest(json: unknown): PolicyManifest {
  const r = manifestSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ManifestError(`policy.json is not a valid policy manifest: ${issues.join('; ')}`);
  }
  const m = r.data;
  const dim = m.action.names.length;
  const check = (name: string, n: number) => {
    if (n !== dim) throw new ManifestError(`policy.json: ${name} has ${n} entries but the action has ${dim} dimensions`);
  };
  check('state.mean', m.state.mean.length);
  if (m.action.relative_to_state) check('action.relative_to_state', m.action.relative_to_state.length);
  check('state.std', m.state.std.length);
  if (m.normalization.type === 'q01_q99') {
    check('normalization.q01', m.normalization.q01.length);
    check('normalization.q99', m.normalization.q99.length);
    check('normalization.mask', m.normalization.mask.length);
  } else {
    check('normalization.mean', m.normalization.mean.length);
    check('normalization.std', m.normalization.std.length);
  }
  if (new Set(m.cameras.map((c) => c.name)).size !== m.cameras.length) throw new ManifestError('policy.json: camera names must be unique');
  return m;
}

/** The ONNX files a manifest needs, by role. */
export function graphFiles(m: PolicyManifest): Record<string, string> {
  return m.head.type === 'flow' ? { encoder: m.head.encoder, denoiser: m.head.denoiser } : { model: m.head.graph };
}
