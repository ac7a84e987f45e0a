import { useEffect, useState } from 'react';
import { gamepadKeys } from '../app/gamepadTeleop';
import type { Session } from '../app/session';

/**
 * A connected gamepad drives the arm like the keyboard (see gamepadTeleop.ts). The Gamepad API has no input
 * events, so it is polled once per animation frame, and only while a pad is connected. Returns the pad's name.
 */
export function useGamepadTeleop(session: Session): string | null {
  const [pad, setPad] = useState<string | null>(null);
  useEffect(() => {
    if (typeof navigator.getGamepads !== 'function') return;
    let frame = 0;
    let last = '';
    const poll = () => {
      const p = [...navigator.getGamepads()].find((g) => g?.connected) ?? null;
      setPad(p ? p.id : null);
      const keys = p ? gamepadKeys(p) : new Map<string, number>();
      // Only changes go to the session: an idle pad must not keep taking the arm from a running policy.
      const sig = JSON.stringify([...keys]);
      if (sig !== last) {
        last = sig;
        session.setTeleopInput('gamepad', keys);
      }
      frame = p ? requestAnimationFrame(poll) : 0;
    };
    const start = () => {
      if (!frame) frame = requestAnimationFrame(poll);
    };
    window.addEventListener('gamepadconnected', start);
    window.addEventListener('gamepaddisconnected', start);
    start();
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('gamepadconnected', start);
      window.removeEventListener('gamepaddisconnected', start);
      session.setTeleopInput('gamepad', new Map());
    };
  }, [session]);
  return pad;
}
