import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyClient } from '../policy/client';
import type { PolicyInfo } from '../policy/protocol';
import { PolicyController } from './policyController';
import { Session } from './session';

/** A test double of the worker client: each load waits until the test settles it. */
class FakeClient {
  readonly calls: string[] = [];
  private readonly waiting: { url: string; resolve: (i: PolicyInfo) => void; reject: (e: Error) => void }[] = [];

  load(url: string): Promise<PolicyInfo> {
    this.calls.push(url);
    return new Promise((resolve, reject) => this.waiting.push({ url, resolve, reject }));
  }

  async settle(ok = true): Promise<void> {
    for (let i = 0; i < 50 && this.waiting.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    const w = this.waiting.shift();
    if (!w) throw new Error('no load is waiting');
    if (ok) w.resolve(info(w.url));
    else w.reject(new Error('policy.json is missing'));
    await new Promise((r) => setTimeout(r, 1));
  }

  dispose(): void {}
}

function info(url: string): PolicyInfo {
  return { name: url, source: url, backend: { backend: 'wasm', reason: 'test' }, manifest: { cameras: [] } as unknown as PolicyInfo['manifest'], loadMs: 1 } as PolicyInfo;
}

const catalog = { default: 'mini-b', models: [{ id: 'mini-a', label: 'A' }, { id: 'mini-b', label: 'B' }] };
const json = (body: unknown) => (async () => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })) as typeof fetch;

let session: Session | null = null;
afterEach(() => {
  session?.dispose();
  session = null;
});

describe('PolicyController loading', () => {
  it('loads the catalogue default on start', async () => {
    session = await Session.create(0, 'place');
    const client = new FakeClient();
    const c = new PolicyController(session, () => client as unknown as PolicyClient, json(catalog));
    const done = c.loadDefault();
    await client.settle();
    expect(await done).toBe(true);
    expect(client.calls).toEqual(['models/mini-b/']);
    expect(c.state.status).toBe('ready');
    expect(c.state.catalog?.models.map((m) => m.id)).toEqual(['mini-a', 'mini-b']);
  });

  it('runs loads one after another, so the last one asked for is the one loaded', async () => {
    session = await Session.create(0, 'place');
    const client = new FakeClient();
    const c = new PolicyController(session, () => client as unknown as PolicyClient, json(catalog));
    const first = c.load('models/mini-a/');
    const second = c.load('/mine/');
    await client.settle();
    expect(client.calls).toEqual(['models/mini-a/', '/mine/']); // the second starts only after the first ends
    await client.settle();
    expect([await first, await second]).toEqual([true, true]);
    expect(c.state.info?.source).toBe('/mine/');
  });

  it('a flow noise scale the person sets is checked, kept until the next model loads, and then reset to the model\'s', async () => {
    session = await Session.create(0, 'place');
    const client = new FakeClient();
    const c = new PolicyController(session, () => client as unknown as PolicyClient, json(catalog));
    expect(c.state.noiseScale).toBeNull();
    expect(c.setNoiseScale(0.5)).toBe(true);
    expect(c.setNoiseScale(3)).toBe(false);
    expect(c.state.noiseScale).toBe(0.5);
    expect(c.state.noiseScaleError).toMatch(/between 0 and 2, not 3/);
    expect(c.setNoiseScale(0)).toBe(true);
    expect(c.state).toMatchObject({ noiseScale: 0, noiseScaleError: null });
    const done = c.load('models/mini-a/');
    await client.settle();
    expect(await done).toBe(true);
    expect(c.state.noiseScale).toBeNull();
  });

  it('a broken catalogue is reported and loads nothing; a failed default load leaves no model', async () => {
    session = await Session.create(0, 'place');
    const client = new FakeClient();
    const broken = new PolicyController(session, () => client as unknown as PolicyClient, json({ default: 'x', models: [] }));
    expect(await broken.loadDefault()).toBe(false);
    expect(broken.state.catalogError).toMatch(/No built-in model: .*catalog.json is not valid/);
    expect(client.calls).toEqual([]);

    const c = new PolicyController(session, () => client as unknown as PolicyClient, json(catalog));
    const done = c.loadDefault();
    await client.settle(false);
    expect(await done).toBe(false);
    expect(c.state.status).toBe('error');
    expect(c.state.error).toMatch(/Could not load models\/mini-b\/: policy.json is missing/);
  });
});
