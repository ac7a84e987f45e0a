import { useState } from 'react';
import type { PolicyController } from '../app/policyController';
import type { Session } from '../app/session';
import { collectShareState } from '../app/share';
import { shareLinkHash } from '../app/shareLink';
import type { ViewHandle } from './ViewerPane';

/** Puts the current demo in the address bar and copies the link; shows it when the clipboard is refused. */
export function ShareButton({ session, policy, view }: { session: Session; policy: PolicyController; view: ViewHandle }) {
  const [shown, setShown] = useState<{ link: string; message: string } | null>(null);
  const share = async () => {
    const { state, notes } = collectShareState(session.state, policy.state, view.get?.() ?? null, window.location.href);
    const link = `${window.location.href.split('#')[0]}${shareLinkHash(state)}`;
    window.history.replaceState(null, '', link);
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      // No clipboard (insecure origin, denied permission): the link is shown to copy by hand.
    }
    setShown({ link, message: [copied ? 'Link copied.' : 'Copy this link:', ...notes].join(' ') });
  };
  return (
    <>
      <button type="button" data-testid="share" onClick={() => void share()}>
        Share
      </button>
      {shown && (
        <div className="share-box" data-testid="share-box">
          <span className="message">{shown.message}</span>
          <input type="text" readOnly value={shown.link} data-testid="share-link" onFocus={(e) => e.target.select()} />
        </div>
      )}
    </>
  );
}
