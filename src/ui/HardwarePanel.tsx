import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { HardwareController, type HardwareStatus } from '../app/hardwareController';
import { type HardwareMode, MODE_ORDER, MODES } from '../app/hardwareModes';
import type { Session } from '../app/session';
import { CalibrationWizardView } from './CalibrationWizardView';
import { useSessionState } from './useSession';
import { useStopKey } from './useStopKey';

const STATUS_TEXT: Record<HardwareStatus, string> = {
  disconnected: 'Not connected',
  connecting: 'Connecting…',
  'needs-calibration': 'Needs calibration',
  connected: 'Connected',
  error: 'Problem',
};

const JOINT_SHORT = ['pan', 'lift', 'elbow', 'flex', 'roll', 'grip'];

const STOP_TOOLTIP =
  'Stop all (Esc): stops whoever drives the sim and holds the real arm where it is: torque stays on and every goal becomes the present position. ' +
  'The arm is not released, because its motors have no brakes: a limp arm reaching out would fall. In the torque-off modes it stays limp.';

/** The real SO-101 (or the virtual one): connection, calibration, who leads, live joints, and the big Stop. */
export function HardwarePanel({ session }: { session: Session }) {
  const [hw] = useState(() => new HardwareController(session));
  const h = useSyncExternalStore(hw.store.subscribe, hw.store.get);
  const s = useSessionState(session);
  const file = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const detach = hw.attach();
    return () => {
      detach();
      void hw.disconnect();
    };
  }, [hw]);
  const stopAll = useCallback(() => void hw.stopAll(), [hw]);
  useStopKey(stopAll);

  const linked = h.source !== null;
  const connected = h.status === 'connected';
  const busy = h.status === 'connecting' || (h.wizard?.busy ?? false);

  const importFile = async (f: File | undefined) => {
    if (!f) return;
    await hw.importCalibration(await f.text(), f.name);
    if (file.current) file.current.value = '';
  };

  const exportFile = () => {
    const json = hw.exportCalibration();
    if (!json) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    // LeRobot names calibration files after the robot id; this is the follower's default id.
    a.download = 'so101_follower.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  return (
    <section className="hardware" data-testid="hardware">
      <div className="hw-head">
        <h2 className="hw-title">Real arm</h2>
        <span className={`hw-status hw-${h.status}`} data-testid="hw-status">
          <span className="status-dot" />
          {h.wizard ? 'Calibrating' : STATUS_TEXT[h.status]}
        </span>
      </div>
      {h.portLabel && <div className="hw-port muted">{h.portLabel}</div>}

      <div className="row buttons">
        <button
          type="button"
          data-testid="hw-connect"
          disabled={busy || connected}
          title={
            linked ? 'Check the arm again on the open port' : h.webSerial ? 'Connect an SO-101 follower over USB (Web Serial)' : 'Web Serial needs Chrome or Edge on a desktop'
          }
          onClick={() => void hw.connect()}
        >
          {linked && !connected ? 'Retry' : 'Connect arm'}
        </button>
        <button type="button" data-testid="hw-virtual" disabled={busy || linked} onClick={() => void hw.connectVirtual()} title="A simulated SO-101 behind the same serial protocol: try everything without hardware">
          Virtual arm
        </button>
        <button type="button" data-testid="hw-disconnect" disabled={!linked || busy} onClick={() => void hw.disconnect()} title="Torque off, then close the port">
          Disconnect
        </button>
      </div>
      {h.source === 'virtual' && (
        <button type="button" className="link" data-testid="hw-unplug" onClick={() => hw.unplugVirtual()} title="See what happens when a real arm's cable comes loose">
          Pull the virtual arm’s cable
        </button>
      )}

      <p className={h.problem ? 'message error' : 'message'} data-testid="hw-message" role={h.problem ? 'alert' : undefined}>
        {h.message}
      </p>

      <button type="button" className="estop" data-testid="hw-stop" title={STOP_TOOLTIP} onClick={stopAll}>
        STOP <kbd>Esc</kbd>
      </button>

      <div className="row hw-mode">
        <select aria-label="Mode" data-testid="hw-mode" value={h.mode} onChange={(e) => hw.setMode(e.target.value as HardwareMode)}>
          {MODE_ORDER.map((m) => (
            <option key={m} value={m}>
              {MODES[m].label}
            </option>
          ))}
        </select>
        <button type="button" className="primary" data-testid="hw-start" disabled={!connected || h.running} onClick={() => hw.start()}>
          {h.running ? 'Running' : 'Start'}
        </button>
      </div>
      <p className="message" data-testid="hw-mode-help">
        {MODES[h.mode].help}
      </p>

      <table className="hw-joints" data-testid="hw-joints">
        <thead>
          <tr>
            <th />
            {JOINT_SHORT.map((n) => (
              <th key={n}>{n}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>sim</th>
            {JOINT_SHORT.map((n, i) => (
              <td key={n} data-testid={`hw-sim-${i}`}>
                {(s.jointState[i] ?? 0).toFixed(1)}
              </td>
            ))}
          </tr>
          <tr>
            <th>real</th>
            {JOINT_SHORT.map((n, i) => (
              <td key={n} data-testid={`hw-real-${i}`}>
                {h.readings ? h.readings[i].toFixed(1) : '–'}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {h.faults.length > 0 && (
        <ul className="hw-faults" data-testid="hw-faults">
          {h.faults.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {h.droppedTicks > 0 && <p className="message">{h.droppedTicks} control ticks skipped while the bus was busy.</p>}

      <div className="hw-cal">
        <div className="hw-cal-line">
          <span className="muted" data-testid="hw-calibration">
            Calibration: {h.calibration ? h.calibrationOrigin : 'none'}
          </span>
          {h.calibration && (
            <button type="button" className="link" data-testid="hw-forget" onClick={() => hw.forgetCalibration()} title="Remove the calibration saved in this browser">
              Forget
            </button>
          )}
        </div>
        <div className="row buttons">
          <button type="button" onClick={() => file.current?.click()} disabled={busy} title="A LeRobot calibration JSON (…/calibration/robots/so101_follower/<id>.json)">
            Import
          </button>
          <input ref={file} type="file" accept=".json,application/json" hidden data-testid="hw-import" onChange={(e) => void importFile(e.target.files?.[0])} />
          <button type="button" data-testid="hw-export" disabled={!h.calibration} onClick={exportFile}>
            Export
          </button>
          <button
            type="button"
            data-testid="hw-wizard"
            disabled={!linked || busy || h.wizard !== null}
            title="Calibrate the arm step by step. Its torque goes off: support it."
            onClick={() => void hw.startWizard()}
          >
            Calibrate…
          </button>
        </div>
      </div>
      {h.wizard && <CalibrationWizardView view={h.wizard} hw={hw} />}
    </section>
  );
}
