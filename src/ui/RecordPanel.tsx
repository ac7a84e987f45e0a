import { useState, useSyncExternalStore } from 'react';
import { DatasetRecorder } from '../app/datasetRecorder';
import { DatasetReplay } from '../app/datasetReplay';
import type { PolicyController } from '../app/policyController';
import type { Session } from '../app/session';
import { ZipFilePick } from './ZipFilePick';

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Record demonstrations (expert, policy, keyboard, real leader arm) and export them as a LeRobot dataset. */
export function RecordPanel({ session, policy }: { session: Session; policy: PolicyController }) {
  const [rec] = useState(() => new DatasetRecorder(session, () => policy.observer));
  const r = useSyncExternalStore(rec.store.subscribe, rec.store.get);
  const [replay] = useState(() => new DatasetReplay(session));
  const p = useSyncExternalStore(replay.store.subscribe, replay.store.get);
  const [episode, setEpisode] = useState(0);
  return (
    <section className="record">
      <div className="row buttons">
        <button type="button" data-testid="record" className={r.recording ? 'recording' : undefined} onClick={() => (r.recording ? rec.stop() : rec.start())}>
          {r.recording ? '■ Stop recording' : '● Record'}
        </button>
        <button
          type="button"
          data-testid="export-dataset"
          disabled={r.exporting || r.episodes === 0}
          onClick={() =>
            void rec.exportZip().then((zip) => {
              if (zip) download(zip, `webvla-so101-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.zip`);
            })
          }
        >
          {r.exporting ? 'Exporting…' : 'Export LeRobot dataset'}
        </button>
        <button type="button" disabled={r.episodes === 0 || r.recording} onClick={() => rec.clear()}>
          Clear
        </button>
      </div>
      <p className="message" data-testid="record-status">
        {r.episodes} episodes, {r.frames} frames recorded{r.current > 0 ? ` · recording episode ${r.episodes + 1}: ${r.current} frames` : ''}
        {r.recording && r.current === 0 ? ' · waiting for the arm to move (run the expert, a policy, or use the keyboard)' : ''}
      </p>
      {r.message && (
        <p className="message" data-testid="export-message">
          {r.message}
        </p>
      )}
      {r.error && (
        <p className="message error" role="alert">
          {r.error}
        </p>
      )}
      <div className="row">
        <ZipFilePick testId="replay-file" onFile={(bytes, name) => void replay.load(bytes, name)}>
          Replay a dataset (.zip)…
        </ZipFilePick>
        {p.episodes.length > 0 && (
          <>
            <select aria-label="Episode to replay" data-testid="replay-episode" value={episode} onChange={(e) => setEpisode(Number(e.target.value))}>
              {p.episodes.map((ep) => (
                <option key={ep.index} value={ep.index}>
                  episode {ep.index} · {ep.length} frames · {ep.task.slice(0, 40)}
                </option>
              ))}
            </select>
            <button type="button" data-testid="replay" onClick={() => (p.playing ? replay.stop() : void replay.play(episode))}>
              {p.playing ? 'Stop replay' : 'Replay'}
            </button>
          </>
        )}
      </div>
      {p.playing && (
        <p className="message" data-testid="replay-status">
          Replaying episode {p.playing.episode}: frame {p.playing.frame + 1} of {p.playing.length}
        </p>
      )}
      {p.message && (
        <p className={p.inRecordedScene ? 'message' : 'message warn'} data-testid="replay-message">
          {p.message}
        </p>
      )}
      {p.error && (
        <p className="message error" role="alert">
          {p.error}
        </p>
      )}
    </section>
  );
}
