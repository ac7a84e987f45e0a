import { useEffect, useState, useSyncExternalStore } from 'react';
import type { PolicyController } from '../app/policyController';
import type { Session } from '../app/session';
import { ModelDropError, modelFilesFromEntries, modelFilesFromZip } from '../app/modelFiles';
import { builtinIdOf, builtinModelUrl } from '../policy/catalog';
import type { BackendPreference } from '../policy/engine';
import { FlowNoiseInput } from './FlowNoiseInput';
import { InstructionHints } from './InstructionHints';
import type { LoadProgress } from '../policy/source';
import { formatBytes, LoadProgressBar } from './LoadProgressBar';
import { PolicyHud } from './PolicyHud';
import { RemoteModelOffer } from './RemoteModelOffer';
import { readDrop } from './readDrop';
import { useSessionState } from './useSession';
import { ZipFilePick } from './ZipFilePick';

export function PolicyPanel({ session, policy }: { session: Session; policy: PolicyController }) {
  const p = useSyncExternalStore(policy.store.subscribe, policy.store.get);
  const s = useSessionState(session);
  const [url, setUrl] = useState(p.url);
  const [prefer, setPrefer] = useState<BackendPreference>('auto');
  const [dropError, setDropError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [cacheNote, setCacheNote] = useState<string | null>(null);
  const loadDropped = async (get: () => Promise<{ label: string; files: Record<string, Uint8Array> }>) => {
    setDropError(null);
    try {
      const { label, files } = await get();
      await policy.loadFiles(label, files, prefer);
    } catch (e) {
      setDropError(e instanceof ModelDropError ? e.message : `Could not read the dropped files: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const loading = p.status === 'loading';
  const builtinId = builtinIdOf(p.url, p.catalog, window.location.href);
  const builtin = p.catalog?.models.find((m) => m.id === builtinId);
  // The URL box follows what is loaded or loading (the default model, a picked one, a link's), unless the
  // person is typing in it.
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) setUrl(p.url);
  }, [p.url, edited]);
  const loadTyped = () => {
    setEdited(false);
    void policy.load(url, prefer);
  };
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
      {p.pendingRemote && <RemoteModelOffer pending={p.pendingRemote} policy={policy} prefer={prefer} />}
      <section
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        data-testid="model-drop"
        aria-label="Drop a model folder or zip"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const data = e.dataTransfer;
          void loadDropped(async () => {
            const d = await readDrop(data);
            return { label: d.label, files: d.zip ? modelFilesFromZip(d.zip, d.label) : modelFilesFromEntries(d.entries, d.label) };
          });
        }}
      >
        Drop a model folder or .zip here, or{' '}
        <ZipFilePick testId="model-zip" onFile={(bytes, name) => void loadDropped(async () => ({ label: name, files: modelFilesFromZip(bytes, name) }))}>
          choose a .zip
        </ZipFilePick>
      </section>
      {dropError && (
        <p className="message error" role="alert" data-testid="drop-error">
          {dropError}
        </p>
      )}
      {p.catalogError && <p className="message error">{p.catalogError}</p>}
      <div className="row">
        <input
          id="model-url"
          data-testid="model-url"
          type="text"
          placeholder="URL of a model folder (holds policy.json)"
          value={url}
          spellCheck={false}
          onChange={(e) => {
            setEdited(true);
            setUrl(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') loadTyped();
          }}
        />
        <select aria-label="Inference backend" data-testid="backend-pref" value={prefer} onChange={(e) => setPrefer(e.target.value as BackendPreference)}>
          <option value="auto">auto</option>
          <option value="webgpu">webgpu</option>
          <option value="wasm">wasm</option>
        </select>
        <button type="button" data-testid="load-model" onClick={loadTyped} disabled={loading}>
          {loading ? 'Loading…' : 'Load'}
        </button>
      </div>
      {loading ? (
        <LoadProgressBar progress={p.progress} onCancel={() => void policy.cancelLoad()} />
      ) : (
        p.lastLoad && p.status === 'ready' && <LoadProgressBar progress={p.lastLoad} onCancel={null} />
      )}
      <p className={p.error ? 'message error' : 'message'} data-testid="model-status" role={p.error ? 'alert' : undefined}>
        {p.error ?? (p.info ? `Loaded ${p.info.name} (${p.info.manifest.head.type} head) on ${p.info.backend.backend}${arrival(p.lastLoad)}` : loading ? 'Loading…' : 'No policy loaded.')}
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
        <FlowNoiseInput state={p} policy={policy} />
      </div>
      <div className="row">
        <button
          type="button"
          data-testid="clear-cache"
          onClick={() => void policy.clearCache().then((had) => setCacheNote(had ? 'Model cache cleared: the next load downloads again.' : 'The model cache was already empty.'))}
        >
          Clear model cache
        </button>
        {cacheNote && <span className="message">{cacheNote}</span>}
      </div>
      {p.info && <InstructionHints instruction={s.instruction} trained={p.info.manifest.tokenizer.instructions} />}
      {p.info && <PolicyHud state={p} />}
    </section>
  );
}

function arrival(p: LoadProgress | null): string {
  if (!p || p.files === 0) return '';
  if (p.cachedFiles === p.files) return ` · ${formatBytes(p.loaded)} from the cache`;
  return ` · ${formatBytes(p.loaded)} downloaded${p.cachedFiles ? `, ${p.cachedFiles} of ${p.files} files from the cache` : ''}`;
}
