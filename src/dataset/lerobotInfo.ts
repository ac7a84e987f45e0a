/**
 * meta/info.json: the dataset's schema, rate, totals and path templates. One zod schema serves the exporter
 * (its output is parsed before it is written) and the reader (its input is parsed before it is trusted).
 */
import { z } from 'zod';
import { CODEBASE_VERSION } from './layout';

const count = z.number().int().min(0);
const shape = z.array(z.number().int().min(1)).min(1).max(5);

export const featureSchema = z.object({
  dtype: z.string().min(1),
  shape,
  names: z.union([z.array(z.string()), z.record(z.string(), z.unknown()), z.null()]).optional(),
  /** Video features: codec, pixel format, size and rate of the encoded stream. */
  info: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const infoSchema = z.object({
  codebase_version: z.literal(CODEBASE_VERSION),
  robot_type: z.string().nullable(),
  total_episodes: count,
  total_frames: count,
  total_tasks: count,
  chunks_size: z.number().int().min(1),
  data_files_size_in_mb: z.number().positive().optional(),
  video_files_size_in_mb: z.number().positive().optional(),
  fps: z.number().int().min(1),
  splits: z.record(z.string(), z.string()),
  data_path: z.string().min(1),
  video_path: z.string().min(1).nullable(),
  features: z.record(z.string(), featureSchema),
});

export type FeatureSpec = z.infer<typeof featureSchema>;
export type LeRobotInfo = z.infer<typeof infoSchema>;

/** Per-frame bookkeeping columns every LeRobot dataset has, after the recorded features. */
export const DEFAULT_FEATURES: Record<string, FeatureSpec> = {
  timestamp: { dtype: 'float32', shape: [1], names: null },
  frame_index: { dtype: 'int64', shape: [1], names: null },
  episode_index: { dtype: 'int64', shape: [1], names: null },
  index: { dtype: 'int64', shape: [1], names: null },
  task_index: { dtype: 'int64', shape: [1], names: null },
};
