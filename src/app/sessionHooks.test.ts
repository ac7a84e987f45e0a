import { afterEach, describe, expect, it } from 'vitest';
import { type ControlTickInfo, Session } from './session';

let session: Session | null = null;
afterEach(() => {
  session?.dispose();
  session = null;
});

const PERIOD = 1 / 20 + 1e-9;

describe('Session control-tick hook and external targets', () => {
  it('calls listeners once per control tick with the tick, the targets and the state, until unsubscribed', async () => {
    session = await Session.create(0, 'place');
    const seen: ControlTickInfo[] = [];
    const off = session.onControlTick((info) => seen.push(info));
    const taken = session.advance(PERIOD) + session.advance(PERIOD);
    expect(taken).toBe(2);
    expect(seen.map((i) => i.tick)).toEqual([0, 1]);
    expect(seen[1].targets).toEqual(session.world.jointTargets());
    expect(seen[1].state).toEqual(session.world.jointState());
    off();
    session.advance(PERIOD);
    expect(seen).toHaveLength(2);
  });

  it('a throwing listener does not stop the sim', async () => {
    session = await Session.create(0, 'place');
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      session.onControlTick(() => {
        throw new Error('listener bug');
      });
      expect(session.advance(PERIOD)).toBe(1);
      await new Promise((r) => setTimeout(r, 0));
      expect(errors).toHaveLength(1);
    } finally {
      process.off('uncaughtException', onError);
    }
  });

  it('external targets drive the arm while no driver does; the expert takes precedence; null releases', async () => {
    session = await Session.create(0, 'place');
    const target = [20, -10, 15, 5, 0, 60];
    session.setExternalTargets(target);
    session.advance(PERIOD);
    const applied = session.world.jointTargets();
    for (let i = 0; i < 6; i++) expect(applied[i]).toBeCloseTo(target[i], 6);
    session.runExpert();
    session.advance(PERIOD);
    expect(session.world.jointTargets()).not.toEqual(target);
    session.stop();
    session.setExternalTargets(null);
    const held = session.world.jointTargets();
    session.advance(PERIOD);
    expect(session.world.jointTargets()).toEqual(held);
  });
});
