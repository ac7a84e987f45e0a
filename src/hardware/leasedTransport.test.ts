import { describe, expect, it } from 'vitest';
import { FeetechBus } from './bus';
import { LeasedTransport } from './leasedTransport';
import { fakeSo101 } from './so101Fixtures';

describe('LeasedTransport', () => {
  it('lends the link to one bus after another: closing a lease leaves the link open', async () => {
    const link = fakeSo101();
    const first = new FeetechBus(new LeasedTransport(link), { timeoutMs: 20 });
    expect(await first.read(1, 'Model_Number')).toBe(777);
    await first.close();
    expect(link.connected).toBe(true);
    const second = new FeetechBus(new LeasedTransport(link), { timeoutMs: 20 });
    expect(await second.read(2, 'Model_Number')).toBe(777);
    await second.close();
  });

  it('a released lease stops hearing the link and refuses writes', async () => {
    const link = fakeSo101();
    const lease = new LeasedTransport(link);
    const chunks: Uint8Array[] = [];
    lease.onData((c) => chunks.push(c));
    await lease.close();
    await lease.close();
    expect(lease.connected).toBe(false);
    await expect(lease.write(new Uint8Array([0xff]))).rejects.toThrow(/released/);
    await link.write(Uint8Array.from([0xff, 0xff, 0x01, 0x02, 0x01, 0xfb]));
    await new Promise((r) => setTimeout(r, 0));
    expect(chunks).toEqual([]);
  });

  it('passes the link being lost to its listeners', () => {
    const link = fakeSo101();
    const lease = new LeasedTransport(link);
    const reasons: unknown[] = [];
    lease.onDisconnect((r) => reasons.push(r));
    link.disconnect();
    expect(reasons).toHaveLength(1);
    expect(lease.connected).toBe(false);
  });
});
