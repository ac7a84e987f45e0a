import { useEffect, useState } from 'react';
import type { PolicyController, PolicyState } from '../app/policyController';
import { NOISE_SCALE_MAX } from '../policy/manifest';

/**
 * The flow head's noise scale, editable: 0 integrates from the centre of the noise prior (the most typical
 * chunk), 1 samples what the model learned. Shown for flow models only; starts at the model's own value. A
 * refused value stays in the box beside its error, so the person sees what was refused.
 */
export function FlowNoiseInput({ state, policy }: { state: PolicyState; policy: PolicyController }) {
  const head = state.info?.manifest.head;
  const value = head?.type === 'flow' ? (state.noiseScale ?? head.noise_scale) : null;
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => {
    if (value !== null) setText(String(value));
  }, [value]);
  if (value === null) return null;
  return (
    <>
      <label className="check" title="Scale of the flow's starting noise: 0 gives the most typical chunk, 1 samples the trained distribution">
        noise{' '}
        <input
          type="number"
          data-testid="noise-scale"
          aria-label="Flow noise scale"
          min={0}
          max={NOISE_SCALE_MAX}
          step={0.1}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            policy.setNoiseScale(e.target.value === '' ? null : Number(e.target.value));
          }}
        />
      </label>
      {state.noiseScaleError && (
        <span className="message error" role="alert" data-testid="noise-scale-error">
          {state.noiseScaleError}
        </span>
      )}
    </>
  );
}
