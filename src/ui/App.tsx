import { useCallback, useEffect, useState } from 'react';
import { PolicyController } from '../app/policyController';
import { Session } from '../app/session';
import { ControlPanel } from './ControlPanel';
import { useTeleopKeys } from './useTeleopKeys';
import { ViewerPane } from './ViewerPane';

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    Session.create(0, 'place').then(
      (s) => {
        if (cancelled) s.dispose();
        else setSession(s);
      },
      (e: unknown) => setError(`Could not start the simulator: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      cancelled = true;
    };
  }, []);

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
      {session ? <Loaded session={session} onError={onError} /> : <div className="loading">Loading physics…</div>}
    </div>
  );
}

function Loaded({ session, onError }: { session: Session; onError: (m: string) => void }) {
  const [policy] = useState(() => new PolicyController(session));
  useEffect(() => {
    // The built-in policy loads on start, so Run works straight away.
    void policy.loadDefault();
    return () => policy.dispose();
  }, [policy]);
  useTeleopKeys(session);
  return (
    <main>
      <ViewerPane session={session} policy={policy} onError={onError} />
      <ControlPanel session={session} policy={policy} />
    </main>
  );
}
