import type { LoadProgress } from '../policy/source';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Bytes and percent of the model download in flight, with Cancel; after a load (no onCancel), how it went. */
export function LoadProgressBar({ progress, onCancel }: { progress: LoadProgress | null; onCancel: (() => void) | null }) {
  const loaded = progress?.loaded ?? 0;
  const total = progress?.total ?? null;
  const pct = total ? Math.min(100, Math.round((100 * loaded) / total)) : null;
  const cached = progress && progress.cachedFiles > 0 ? ` · ${progress.cachedFiles} of ${progress.files} files from cache` : '';
  return (
    <div className="row load-progress" data-testid="load-progress">
      <progress max={100} value={pct ?? undefined} aria-label="Model download" />
      <span className="message" data-testid="load-progress-text">
        {total ? `${formatBytes(loaded)} of ${formatBytes(total)} (${pct} %)` : `${formatBytes(loaded)}`}
        {cached}
      </span>
      {onCancel && (
        <button type="button" data-testid="cancel-load" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
