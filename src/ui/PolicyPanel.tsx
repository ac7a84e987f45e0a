import { useState, useSyncExternalStore } from 'react';
import type { PolicyController } from '../app/policyController';
import type { Session } from '../app/session';
import { builtinModelUrl } from '../policy/catalog';
import type { BackendPreference } from '../policy/engine';
import { InstructionHints } from './InstructionHints';
import { PolicyHud } from './PolicyHud';
import { useSessionState } from './useSession';

export function PolicyPanel({ session, policy }: { session: Session; policy: PolicyController }) {
  const p = useSyncExternalStore(policy.store.subscribe, policy.store.get);
  const s = useSessionState(session);
  const [url, setUrl] = useState(p.url);
  const [prefer, setPrefer] = useState<BackendPreference>('auto');
  const loading = p.status === 'loading';
  const builtin = p.catalog?.models.find((m) => builtinModelUrl(m.id) === url.trim());
  const pick = (id: string) => {
    if (id === 'custom') {
      setUrl('');
      return;
    }
    setUrl(builtinModelUrl(id));
    void policy.load(builtinModelUrl(id), prefer);
  };

  return (
    <section className="policy">
      <label htmlFor="model-picker">Policy model</label>
      <div className="row">
        <select id="model-picker" data-testid="model-picker" value={builtin?.id ?? 'custom'} onChange={(e) => pick(e.target.value)} disabled={loading}>
          {p.catalog?.models.map((m) => (
            <option key={m.id} value={m.id} title={m.summary}>
              {m.label}
              {m.id === p.catalog?.default ? ' (default)' : ''}
            </option>
          ))}
          <option value="custom">Model from a URL…</option>
        </select>
      </div>
      {builtin?.summary && <p className="message">{builtin.summary}</p>}
      {p.catalogError && <p className="message error">{p.catalogError}</p>}
      <div className="row">
        <input
          id="model-url"
          data-testid="model-url"
          type="text"
          placeholder="URL of a model folder (holds policy.json)"
          value={url}
          spellCheck={false}
          onChange={(e) => setUrl(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void policy.load(url, prefer);
          }}
        />
        <select aria-label="Inference backend" data-testid="backend-pref" value={prefer} onChange={(e) => setPrefer(e.target.value as BackendPreference)}>
          <option value="auto">auto</option>
          <option value="webgpu">webgpu</option>
          <option value="wasm">wasm</option>
        </select>
        <button type="button" data-testid="load-model" onClick={() => void policy.load(url, prefer)} disabled={loading}>
          {loading ? 'Loading…' : 'Load'}
        </button>
      </div>
      <p className={p.error ? 'message error' : 'message'} data-testid="model-status" role={p.error ? 'alert' : undefined}>
        {p.error ?? (p.info ? `Loaded ${p.info.name} (${p.info.manifest.head.type} head) on ${p.info.backend.backend}` : loading ? 'Loading…' : 'No policy loaded.')}
      </p>
      <div className="row buttons">
        <button type="button" className="primary" data-testid="run" disabled={p.status !== 'ready' || !s.task || s.status === 'running'} onClick={() => void policy.run()}>
          Run
        </button>
        <select aria-label="Inference mode" data-testid="loop-mode" value={p.options.mode} onChange={(e) => policy.setOptions({ mode: e.target.value as 'async' | 'sync' })}>
          <option value="async">async</option>
          <option value="sync">sync</option>
        </select>
        <label className="check">
          <input type="checkbox" checked={p.options.ensemble} onChange={(e) => policy.setOptions({ ensemble: e.target.checked })} /> ensemble
        </label>
      </div>
      {p.info && <InstructionHints instruction={s.instruction} trained={p.info.manifest.tokenizer.instructions} />}
      {p.info && <PolicyHud state={p} />}
    </section>
  );
}
