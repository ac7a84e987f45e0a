import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from './watchdog';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Watchdog', () => {
  it('does nothing until the first kick', () => {
    const fire = vi.fn();
    const w = new Watchdog(100, fire);
    vi.advanceTimersByTime(1000);
    expect(fire).not.toHaveBeenCalled();
    expect(w.armed).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires once when no kick comes within the deadline', () => {
    const fire = vi.fn();
    const w = new Watchdog(100, fire);
    w.kick();
    vi.advanceTimersByTime(99);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(w.fired).toBe(true);
    expect(w.armed).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stays quiet while kicked in time, holding a single timer', () => {
    const fire = vi.fn();
    const w = new Watchdog(100, fire);
    for (let i = 0; i < 50; i++) {
      w.kick();
      vi.advanceTimersByTime(90);
    }
    expect(fire).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(1);
    w.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-arms on the next kick after firing', () => {
    const fire = vi.fn();
    const w = new Watchdog(50, fire);
    w.kick();
    vi.advanceTimersByTime(50);
    w.kick();
    expect(w.fired).toBe(false);
    vi.advanceTimersByTime(50);
    expect(fire).toHaveBeenCalledTimes(2);
  });

  it('stop() disarms without firing and clears its timer', () => {
    const fire = vi.fn();
    const w = new Watchdog(100, fire);
    w.kick();
    w.stop();
    w.stop();
    vi.advanceTimersByTime(1000);
    expect(fire).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind when the callback throws', () => {
    const w = new Watchdog(10, () => {
      throw new Error('callback failed');
    });
    w.kick();
    expect(() => vi.advanceTimersByTime(10)).toThrow('callback failed');
    expect(w.fired).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a deadline that is not a positive time', () => {
    expect(() => new Watchdog(0, () => {})).toThrow(RangeError);
    expect(() => new Watchdog(Number.NaN, () => {})).toThrow(RangeError);
    expect(() => new Watchdog(Number.POSITIVE_INFINITY, () => {})).toThrow(RangeError);
  });
});
