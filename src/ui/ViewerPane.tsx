import { useEffect, useRef, useSyncExternalStore } from 'react';
import { Playground } from '../app/playground';
import type { PolicyController } from '../app/policyController';
import type { Session } from '../app/session';
import type { View } from '../app/share';
import { DEFAULT_POLICY_CAMERAS } from '../render/cameraSpec';

/** The viewer's camera for share links: read by Share, set once from the link the page opened with. */
export interface ViewHandle {
  get: (() => View) | null;
  initial: View | null;
}

interface Props {
  session: Session;
  policy: PolicyController;
  view: ViewHandle;
  onError: (message: string) => void;
}

export function ViewerPane({ session, policy, view, onError }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const insets = useRef(new Map<string, HTMLCanvasElement>());
  const playground = useRef<Playground | null>(null);
  const info = useSyncExternalStore(policy.store.subscribe, () => policy.store.get().info);
  const cameras = info?.manifest.cameras ?? DEFAULT_POLICY_CAMERAS;

  useEffect(() => {
    if (!canvas.current) return;
    let pg: Playground;
    try {
      pg = new Playground(session, canvas.current);
    } catch (e) {
      onError(`Could not start the 3D view: ${e instanceof Error ? e.message : String(e)}. WebGL2 is needed.`);
      return;
    }
    pg.onError = (e) => onError(`Simulation error: ${e instanceof Error ? e.message : String(e)}`);
    playground.current = pg;
    policy.observer = pg;
    if (view.initial) pg.viewer.setView(view.initial);
    view.initial = null;
    view.get = () => pg.viewer.getView();
    const loaded = policy.store.get().info;
    if (loaded) pg.setPolicyCameras(loaded.manifest.cameras);
    pg.setInsets([...insets.current].map(([name, el]) => ({ name, canvas: el })));
    pg.start();
    return () => {
      view.get = null;
      policy.observer = null;
      playground.current = null;
      pg.dispose();
    };
  }, [session, policy, view, onError]);

  // The insets follow the policy's cameras: names and resolutions.
  useEffect(() => {
    const names = new Set(cameras.map((c) => c.name));
    playground.current?.setInsets([...insets.current].filter(([name]) => names.has(name)).map(([name, el]) => ({ name, canvas: el })));
  }, [cameras]);

  return (
    <div className="viewer">
      <canvas ref={canvas} className="viewer-canvas" data-testid="viewer" aria-label="3D view of the robot and the table" />
      <section className="insets" aria-label="What the policy cameras see">
        {cameras.map((cam) => (
          <figure key={cam.name} className="inset">
            <canvas
              ref={(el) => {
                if (el) insets.current.set(cam.name, el);
                else insets.current.delete(cam.name);
              }}
              width={cam.width}
              height={cam.height}
              data-testid={`inset-${cam.name}`}
            />
            <figcaption>
              {cam.name} · {cam.width}×{cam.height}
            </figcaption>
          </figure>
        ))}
      </section>
    </div>
  );
}
