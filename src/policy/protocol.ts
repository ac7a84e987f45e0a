/** The typed message protocol between the page and the policy worker. Pixels travel as transferables. */
import type { BackendChoice, BackendPreference } from './engine';
import type { FlowSampling, PolicyManifest } from './manifest';
import type { StageTimings } from './policy';
import type { LoadProgress } from './source';

export type WorkerRequest =
  | { type: 'load'; id: number; baseUrl: string; prefer: BackendPreference }
  /** Model files already in memory (a dropped folder or zip): path → bytes. */
  | { type: 'loadFiles'; id: number; label: string; files: Record<string, Uint8Array>; prefer: BackendPreference }
  /** Handled at once, not queued: stops the download of the load in flight. */
  | { type: 'cancel'; id: number }
  | { type: 'infer'; id: number; images: Record<string, Uint8Array>; state: number[]; instruction: string; noiseSeed: number; sampling?: FlowSampling }
  | { type: 'tokenize'; id: number; instruction: string }
  | { type: 'unload'; id: number };

export interface PolicyInfo {
  name: string;
  source: string;
  backend: BackendChoice;
  manifest: PolicyManifest;
  loadMs: number;
}

export type WorkerReply =
  | { status: 'ready'; id: number; info: PolicyInfo }
  /** Sent while a load downloads; the load's final reply follows. */
  | { status: 'progress'; id: number; progress: LoadProgress }
  | { status: 'cancelled'; id: number }
  | { status: 'result'; id: number; actions: number[][]; nonFinite: boolean; timings: StageTimings }
  | { status: 'tokens'; id: number; ids: number[] }
  | { status: 'unloaded'; id: number }
  | { status: 'error'; id: number; kind: string; message: string };
