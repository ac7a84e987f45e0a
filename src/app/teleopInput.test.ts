import { afterEach, describe, expect, it } from 'vitest';
import { Session } from './session';

let session: Session | null = null;
afterEach(() => {
  session?.dispose();
  session = null;
});

const PERIOD = 1 / 20 + 1e-9;

describe('Session teleop input', () => {
  it('a gamepad stick takes the arm from the expert and moves it at its strength; keyboard and pad combine', async () => {
    session = await Session.create(1, 'pick');
    expect(session.runExpert()).toBe(true);
    session.advance(PERIOD);
    const pan0 = session.world.jointTargets()[0];
    session.setTeleopInput('gamepad', new Map([['q', 0.5]]));
    expect(session.state.driver).toBe('teleop');
    session.advance(PERIOD * 4);
    const halfRate = session.world.jointTargets()[0] - pan0;
    expect(halfRate).toBeGreaterThan(0);
    // The keyboard's full-strength key wins over the pad's half stick on the same joint.
    session.setKeys(['q']);
    const pan1 = session.world.jointTargets()[0];
    session.advance(PERIOD * 4);
    expect(session.world.jointTargets()[0] - pan1).toBeCloseTo(halfRate * 2, 6);
    // Releasing both stops the jog; invalid input (unknown keys, NaN) is ignored.
    session.setKeys([]);
    session.setTeleopInput('gamepad', new Map([['not-a-key', 1], ['a', Number.NaN]]));
    const pan2 = session.world.jointTargets()[0];
    session.advance(PERIOD * 4);
    expect(session.world.jointTargets()[0]).toBe(pan2);
  });
});
