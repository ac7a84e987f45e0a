import { afterEach, describe, expect, it } from 'vitest';
import { EpisodeTrace } from './episodeTrace';
import { Session } from './session';

let session: Session | null = null;
afterEach(() => {
  session?.dispose();
  session = null;
});

const PERIOD = 1 / 20 + 1e-9;

describe('EpisodeTrace', () => {
  it('keeps the last run: one point per control tick, targets and measured joints, cleared by the next run', async () => {
    session = await Session.create(3, 'pick');
    const trace = new EpisodeTrace(session);
    session.advance(PERIOD * 5); // idle ticks are not a run
    trace.publish();
    expect(trace.store.get().time).toEqual([]);

    expect(session.runExpert()).toBe(true);
    let ticks = 0;
    while (session.state.status === 'running' && ticks < 400) ticks += session.advance(PERIOD);
    expect(session.state.status).toBe('success');
    const t = trace.store.get();
    expect(t.driver).toBe('expert');
    // Every tick of the run but the last (the one that ended it) is in the trace, 1/20 s apart.
    expect(t.time.length).toBe(ticks - 1);
    expect(t.time[0]).toBeCloseTo(0.05, 9);
    expect(t.time[1] - t.time[0]).toBeCloseTo(0.05, 9);
    expect(t.targets).toHaveLength(6);
    expect(t.measured[0]).toHaveLength(ticks - 1);
    // The expert moved the arm: the pan and gripper targets change over the run.
    const span = (a: number[]) => Math.max(...a) - Math.min(...a);
    expect(span(t.targets[5])).toBeGreaterThan(10);
    expect(span(t.targets[1])).toBeGreaterThan(5);

    // Ticks after the run ended are not added; a new run starts a new trace.
    session.advance(PERIOD * 3);
    trace.publish();
    expect(trace.store.get().time.length).toBe(ticks - 1);
    expect(session.runExpert()).toBe(true);
    session.advance(PERIOD * 2);
    trace.publish();
    expect(trace.store.get().time.length).toBe(2);
    trace.dispose();
  });
});
