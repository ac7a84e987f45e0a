import { useCallback, useEffect, useState } from 'react';
import { PolicyController } from '../app/policyController';
import { Session } from '../app/session';
import { parseShareLink, type ShareState } from '../app/shareLink';
import { ControlPanel } from './ControlPanel';
import { useTeleopKeys } from './useTeleopKeys';
import { type ViewHandle, ViewerPane } from './ViewerPane';

/** The share link the page opened with: applied once, at start. A bad link is reported and ignored. */
function linkAtStart(): { state: ShareState; error: string | null } {
  const r = parseShareLink(window.location.hash);
  return r.ok ? { state: r.state, error: null } : { state: {}, error: r.error };
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [link] = useState(linkAtStart);
  const [error, setError] = useState<string | null>(link.error);

  useEffect(() => {
    let cancelled = false;
    Session.create(link.state.seed ?? 0, link.state.family ?? 'place').then(
      (s) => {
        if (cancelled) {
          s.dispose();
          return;
        }
        if (link.state.instruction) s.setInstruction(link.state.instruction);
        setSession(s);
      },
      (e: unknown) => setError(`Could not start the simulator: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      cancelled = true;
    };
  }, [link]);

  const onError = useCallback((m: string) => setError(m), []);

  return (
    <div className="app">
      <header>
        <h1>WebVLA</h1>
        <span className="tagline">SO-101 tabletop playground · everything runs in your browser</span>
      </header>
      {error && (
        <div className="banner error" role="alert" data-testid="error">
          {error}
          <button type="button" onClick={() => setError(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {session ? <Loaded session={session} link={link.state} onError={onError} /> : <div className="loading">Loading physics…</div>}
    </div>
  );
}

function Loaded({ session, link, onError }: { session: Session; link: ShareState; onError: (m: string) => void }) {
  const [policy] = useState(() => new PolicyController(session));
  const [view] = useState<ViewHandle>(() => ({ get: null, initial: link.view ?? null }));
  useEffect(() => {
    if (link.mode) policy.setOptions({ mode: link.mode });
    if (link.model?.kind === 'url') policy.offerRemote(link.model.url);
    // The built-in policy (or the one the link names) loads on start, so Run works straight away.
    void policy.loadDefault('auto', link.model?.kind === 'builtin' ? link.model.id : undefined);
    return () => policy.dispose();
  }, [policy, link]);
  useTeleopKeys(session);
  return (
    <main>
      <ViewerPane session={session} policy={policy} view={view} onError={onError} />
      <ControlPanel session={session} policy={policy} view={view} />
    </main>
  );
}
