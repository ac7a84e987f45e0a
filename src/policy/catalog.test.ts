import { describe, expect, it } from 'vitest';
import { builtinIdOf, builtinModelUrl, fetchCatalog, parseCatalog } from './catalog';

const good = { default: 'tabletop-mini-bins', models: [{ id: 'tabletop-mini-bins', label: 'tabletop-mini (bins)' }, { id: 'tabletop-mini-flow', label: 'tabletop-mini (flow)' }] };

describe('built-in model catalog', () => {
  it('accepts a list whose default is one of its models and builds page-relative URLs', () => {
    expect(parseCatalog(good).models).toHaveLength(2);
    expect(builtinModelUrl('tabletop-mini-bins')).toBe('models/tabletop-mini-bins/');
  });

  it('knows a catalogued model by any URL that points at its folder', () => {
    const c = parseCatalog(good);
    const page = 'https://demo.example/app/';
    expect(builtinIdOf('models/tabletop-mini-flow/', c, page)).toBe('tabletop-mini-flow');
    expect(builtinIdOf('https://demo.example/app/models/tabletop-mini-bins', c, page)).toBe('tabletop-mini-bins');
    expect(builtinIdOf('/models/tabletop-mini-bins/', c, page)).toBeUndefined();
    expect(builtinIdOf('', c, page)).toBeUndefined();
  });

  it('refuses a default that is not listed, folder names that leave models/, and an empty list', () => {
    expect(() => parseCatalog({ ...good, default: 'nope' })).toThrow(/default must be one of the models/);
    expect(() => parseCatalog({ default: '../x', models: [{ id: '../x', label: 'x' }] })).toThrow(/model folder name/);
    expect(() => parseCatalog({ default: 'a', models: [] })).toThrow(/models/);
  });

  it('fetchCatalog says the list is missing when the server answers 404 or with a web page', async () => {
    const html = async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
    await expect(fetchCatalog('models/catalog.json', html as typeof fetch)).rejects.toThrow(/sent a web page/);
    const missing = async () => new Response('no', { status: 404 });
    await expect(fetchCatalog('models/catalog.json', missing as typeof fetch)).rejects.toThrow(/HTTP 404/);
    const ok = async () => new Response(JSON.stringify(good), { headers: { 'content-type': 'application/json' } });
    expect((await fetchCatalog('models/catalog.json', ok as typeof fetch)).default).toBe('tabletop-mini-bins');
  });
});
