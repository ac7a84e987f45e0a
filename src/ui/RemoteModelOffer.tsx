import type { PolicyController, PolicyState } from '../app/policyController';
import type { BackendPreference } from '../policy/engine';
import { formatBytes } from './LoadProgressBar';

/** A link names a model on another server: say where it comes from and how big it is before any download. */
export function RemoteModelOffer({ pending, policy, prefer }: { pending: NonNullable<PolicyState['pendingRemote']>; policy: PolicyController; prefer: BackendPreference }) {
  const where = new URL(pending.url);
  return (
    <div className="remote-offer" data-testid="remote-offer">
      <p className="message">
        This link names a model at <strong data-testid="remote-origin">{where.host}</strong>
        {where.pathname}. Nothing is downloaded until you agree.
      </p>
      {pending.size && (
        <p className="message" data-testid="remote-size">
          {pending.size.name}: {pending.size.bytes === null ? 'size unknown (the server does not say)' : formatBytes(pending.size.bytes)} in {pending.size.files} files.
        </p>
      )}
      {pending.error && (
        <p className="message error" role="alert">
          {pending.error}
        </p>
      )}
      <div className="row">
        {!pending.size && (
          <button type="button" data-testid="remote-check" disabled={pending.checking} onClick={() => void policy.checkRemote()}>
            {pending.checking ? 'Checking…' : 'Check its size'}
          </button>
        )}
        {pending.size && (
          <button type="button" data-testid="remote-load" onClick={() => void policy.acceptRemote(prefer)}>
            Download and load
          </button>
        )}
        <button type="button" onClick={() => policy.dismissRemote()}>
          Not now
        </button>
      </div>
    </div>
  );
}
