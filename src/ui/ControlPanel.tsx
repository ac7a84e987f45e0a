import { RecordPanel } from './RecordPanel';
import { ShareButton } from './ShareButton';
import type { ViewHandle } from './ViewerPane';
import { useEffect, useState } from 'react';
import type { PolicyController } from '../app/policyController';
import { parseSeed } from '../app/seed';
import type { RunStatus, Session } from '../app/session';
import { GAMEPAD_HELP } from '../app/gamepadTeleop';
import { TELEOP_HELP } from '../app/teleop';
import { FAMILY_LABEL } from '../sim/instructions';
import { TASK_FAMILIES, TEMPLATES, type TaskFamily } from '../sim/tasks';
import { HardwarePanel } from './HardwarePanel';
import { PlotsPanel } from './PlotsPanel';
import { PolicyPanel } from './PolicyPanel';
import { useGamepadTeleop } from './useGamepadTeleop';
import { useSessionState } from './useSession';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'Idle',
  running: 'Running',
  success: 'Success',
  timeout: 'Timed out',
  stopped: 'Stopped',
};

export function ControlPanel({ session, policy, view }: { session: Session; policy: PolicyController; view: ViewHandle }) {
  const s = useSessionState(session);
  const gamepad = useGamepadTeleop(session);
  const [seedText, setSeedText] = useState(String(s.seed));
  const [seedError, setSeedError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => setSeedText(String(s.seed)), [s.seed]);

  const reset = async (family: TaskFamily = s.family) => {
    const r = parseSeed(seedText);
    if (!r.ok) {
      setSeedError(r.error);
      return;
    }
    setSeedError(null);
    setBusy(true);
    try {
      await session.reset(r.seed, family);
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="panel">
      <section>
        <label htmlFor="family">Task</label>
        <select id="family" data-testid="family" value={s.family} onChange={(e) => void reset(e.target.value as TaskFamily)} disabled={busy}>
          {TASK_FAMILIES.map((f) => (
            <option key={f} value={f}>
              {FAMILY_LABEL[f]}
            </option>
          ))}
        </select>
      </section>

      <section>
        <label htmlFor="instruction">Instruction</label>
        <input
          id="instruction"
          data-testid="instruction"
          type="text"
          value={s.instruction}
          maxLength={300}
          spellCheck={false}
          onChange={(e) => session.setInstruction(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') session.runExpert();
          }}
          aria-invalid={s.instructionError !== null}
          aria-describedby="instruction-help"
        />
        <p id="instruction-help" className={s.instructionError ? 'message error' : 'message'} data-testid="instruction-message">
          {s.instructionError ?? 'Understood.'}
        </p>
        <details className="phrasings">
          <summary>Supported phrasings</summary>
          <ul>
            {TASK_FAMILIES.flatMap((f) => TEMPLATES[f].map((t) => <li key={t}>{t.replace(/[{}]/g, '')}</li>))}
          </ul>
        </details>
      </section>

      <section className="row">
        <div className="grow">
          <label htmlFor="seed">Seed</label>
          <input
            id="seed"
            data-testid="seed"
            type="text"
            inputMode="numeric"
            value={seedText}
            onChange={(e) => {
              setSeedText(e.target.value);
              setSeedError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void reset();
            }}
            aria-invalid={seedError !== null}
          />
        </div>
        <button type="button" data-testid="reset" onClick={() => void reset()} disabled={busy}>
          Reset
        </button>
      </section>
      {seedError && (
        <p className="message error" data-testid="seed-error" role="alert">
          {seedError}
        </p>
      )}

      <section className="row buttons">
        <button type="button" className="primary" data-testid="expert" onClick={() => session.runExpert()} disabled={!s.task || s.status === 'running'}>
          Expert
        </button>
        <button type="button" data-testid="stop" onClick={() => session.stop()} disabled={s.driver === 'none'}>
          Stop
        </button>
        <ShareButton session={session} policy={policy} view={view} />
      </section>

      <PolicyPanel session={session} policy={policy} />

      <RecordPanel session={session} policy={policy} />

      <section className={`status status-${s.status}`} data-testid="status" aria-live="polite">
        <span className="status-dot" />
        <span data-testid="status-text">{STATUS_TEXT[s.status]}</span>
        <span className="elapsed">
          {s.elapsed.toFixed(1)} s / {s.timeLimit} s
        </span>
        <span className="driver">{s.driver === 'none' ? '' : s.driver}</span>
      </section>

      <PlotsPanel session={session} policy={policy} />

      <section>
        <div className="joints" data-testid="joints">
          {['pan', 'lift', 'elbow', 'flex', 'roll', 'grip'].map((n, i) => (
            <div key={n}>
              <span>{n}</span>
              <b>{(s.jointState[i] ?? 0).toFixed(1)}</b>
            </div>
          ))}
        </div>
      </section>

      <HardwarePanel session={session} />

      <details className="keys" open>
        <summary>Keyboard</summary>
        <table>
          <tbody>
            {TELEOP_HELP.map(([k, v]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details className="keys" data-testid="gamepad-help">
        <summary>Gamepad {gamepad ? <span data-testid="gamepad-name">· {gamepad}</span> : <span className="muted">· none connected</span>}</summary>
        <table>
          <tbody>
            {GAMEPAD_HELP.map(([k, v]) => (
              <tr key={k}>
                <td>{k}</td>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </aside>
  );
}
