import type { WizardView } from '../app/calibrationRun';
import type { HardwareController } from '../app/hardwareController';
import { SO101_MOTOR_NAMES } from '../hardware/so101Motors';

const STEPS = [
  ['centre', '1 · Centre'],
  ['ranges', '2 · Ranges'],
  ['done', '3 · Done'],
] as const;

/** The calibration wizard: what to do now, each joint's recorded range over its encoder turn, and what is missing. */
export function CalibrationWizardView({ view, hw }: { view: WizardView; hw: HardwareController }) {
  return (
    <div className="wizard" data-testid="wizard">
      <ol className="wizard-steps">
        {STEPS.map(([step, label]) => (
          <li key={step} className={view.step === step ? 'current' : ''}>
            {label}
          </li>
        ))}
      </ol>
      <p className="wizard-prompt" data-testid="wizard-prompt">
        {view.prompt}
      </p>
      <div className="wizard-ranges">
        {SO101_MOTOR_NAMES.map((name, i) => {
          const range = view.ranges?.[i];
          const live = view.live?.[i];
          return (
            <div key={name} className="wizard-range">
              <span>{name}</span>
              <div className="bar" title={range ? `${range.min}…${range.max} ticks` : 'not recorded yet'}>
                {range && <i className="span" style={{ left: pct(range.min), width: pct(range.max - range.min) }} />}
                {live !== undefined && <i className="live" style={{ left: pct(live) }} />}
              </div>
              <b>{range ? `${Math.round(((range.max - range.min) * 360) / 4096)}°` : ''}</b>
            </div>
          );
        })}
      </div>
      {view.problems.length > 0 && view.step === 'ranges' && (
        <ul className="wizard-problems" data-testid="wizard-problems">
          {view.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {view.error && (
        <p className="message error" role="alert" data-testid="wizard-error">
          {view.error}
        </p>
      )}
      <div className="row buttons">
        {view.step === 'centre' && (
          <button type="button" className="primary" data-testid="wizard-next" disabled={view.busy} onClick={() => void hw.wizardNext()}>
            Next
          </button>
        )}
        {view.step === 'ranges' && (
          <button type="button" className="primary" data-testid="wizard-finish" disabled={view.busy} onClick={() => void hw.wizardFinish()}>
            Finish
          </button>
        )}
        <button type="button" data-testid="wizard-cancel" disabled={view.busy} onClick={() => void hw.cancelWizard()}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function pct(ticks: number): string {
  return `${(Math.max(0, Math.min(4095, ticks)) / 4095) * 100}%`;
}
