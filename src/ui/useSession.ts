import { useSyncExternalStore } from 'react';
import type { Session, SessionState } from '../app/session';

/** Subscribe a component to the session store; it re-renders only when the store changes. */
export function useSessionState(session: Session): SessionState {
  return useSyncExternalStore(session.store.subscribe, session.store.get);
}
