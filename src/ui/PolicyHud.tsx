import type { PolicyState } from '../app/policyController';

const STAGES = ['capture', 'preprocess', 'tokenize', 'inference', 'decode', 'round trip'];

function ms(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(1) : v.toFixed(0);
}

/** What the policy is doing, refreshed a few times a second (not per frame). */
export function PolicyHud({ state }: { state: PolicyState }) {
  const info = state.info;
  const hud = state.hud;
  if (!info) return null;
  return (
    <div className="hud" data-testid="hud">
      <div className="hud-backend">
        <b data-testid="hud-backend">{info.backend.backend}</b>
        {info.backend.emulated && <span className="tag">emulated</span>}
        <span className="muted" data-testid="hud-reason">
          {info.backend.reason}
        </span>
      </div>
      <table>
        <thead>
          <tr>
            <th>stage</th>
            <th>p50 ms</th>
            <th>p95 ms</th>
          </tr>
        </thead>
        <tbody>
          {STAGES.map((s) => (
            <tr key={s}>
              <td>{s}</td>
              <td data-testid={`hud-p50-${s.replace(' ', '-')}`}>{ms(hud?.latency[s]?.p50)}</td>
              <td>{ms(hud?.latency[s]?.p95)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="hud-grid">
        <span>inference</span>
        <b data-testid="hud-inference-rate">{hud ? hud.inferenceRate.toFixed(1) : '–'} /s</b>
        <span>actions</span>
        <b data-testid="hud-action-rate">{hud ? hud.actionRate.toFixed(1) : '–'} /s</b>
        <span>queue</span>
        <b data-testid="hud-queue">{hud?.queueDepth ?? '–'}</b>
        <span>chunks</span>
        <b data-testid="hud-inferences">{hud?.inferences ?? 0}</b>
        <span>NaN dropped</span>
        <b data-testid="hud-nan">{hud?.droppedNaN ?? 0}</b>
        <span>stalls</span>
        <b>{hud?.stalls ?? 0}</b>
        <span>clipped</span>
        <b>{hud?.safety.clipped ?? 0}</b>
        <span>rejected</span>
        <b>{hud?.safety.rejected ?? 0}</b>
      </div>
      {hud?.lastError && <p className="message error">Model error: {hud.lastError}</p>}
      {hud && hud.lateChunks > 0 && state.options.mode === 'async' && (
        <p className="message error" data-testid="hud-late">
          {hud.lateChunks} chunk(s) arrived after their last action was due: inference is slower than a chunk lasts. Try sync mode.
        </p>
      )}
    </div>
  );
}
