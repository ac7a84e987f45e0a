import { useEffect } from 'react';
import type { Session } from '../app/session';
import { isTeleopKey } from '../app/teleop';

/** Held keys go to the session, except while the person types in a field. */
export function useTeleopKeys(session: Session): void {
  useEffect(() => {
    const held = new Set<string>();
    const typing = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
    };
    const down = (e: KeyboardEvent) => {
      const k = e.key.toLowerCase();
      if (typing(e) || !isTeleopKey(k) || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      held.add(k);
      session.setKeys(held);
    };
    const up = (e: KeyboardEvent) => {
      if (held.delete(e.key.toLowerCase())) session.setKeys(held);
    };
    const blur = () => {
      held.clear();
      session.setKeys(held);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, [session]);
}
