import { useEffect } from 'react';

/** Escape runs `stop` from anywhere on the page, except while the person types in a field (Escape edits there). */
export function useStopKey(stop: () => void): void {
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.repeat) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)) return;
      e.preventDefault();
      stop();
    };
    window.addEventListener('keydown', down);
    return () => window.removeEventListener('keydown', down);
  }, [stop]);
}
