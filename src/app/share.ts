/** The app's current state as a share link, and what a link cannot carry (a dropped model). */
import type { PolicyState } from './policyController';
import type { SessionState } from './session';
import type { ShareState, SharedModel } from './shareLink';

export type View = NonNullable<ShareState['view']>;

/** A model folder URL as a link names it: a shipped model by id, any other folder by absolute URL. */
export function sharedModel(url: string, pageHref: string): SharedModel | null {
  const builtin = /^(?:\.\/)?models\/([a-z0-9][a-z0-9._-]{0,79})\/?$/.exec(url);
  if (builtin) return { kind: 'builtin', id: builtin[1] };
  try {
    const abs = new URL(url, pageHref);
    return abs.protocol === 'http:' || abs.protocol === 'https:' ? { kind: 'url', url: abs.href } : null;
  } catch {
    return null;
  }
}

export function collectShareState(session: SessionState, policy: PolicyState, view: View | null, pageHref: string): { state: ShareState; notes: string[] } {
  const notes: string[] = [];
  const state: ShareState = { seed: session.seed, family: session.family, mode: policy.options.mode };
  if (session.instruction) state.instruction = session.instruction.slice(0, 300);
  if (view) state.view = view;
  if (policy.info) {
    const model = /^[a-z]+:\/\//i.test(policy.url) || policy.url.includes('/') ? sharedModel(policy.url, pageHref) : null;
    if (model) state.model = model;
    else notes.push(`The loaded model (${policy.info.name}) came from your disk, so the link cannot carry it.`);
  }
  return { state, notes };
}
