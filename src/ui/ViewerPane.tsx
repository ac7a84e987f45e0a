import { useEffect, useRef } from 'react';
import { Playground } from '../app/playground';
import type { Session } from '../app/session';
import { DEFAULT_POLICY_CAMERAS } from '../render/cameraSpec';

export function ViewerPane({ session, onError }: { session: Session; onError: (message: string) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const insets = useRef<(HTMLCanvasElement | null)[]>([]);

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
    pg.setInsets(
      DEFAULT_POLICY_CAMERAS.map((spec, i) => ({ spec, canvas: insets.current[i] as HTMLCanvasElement })).filter((x) => x.canvas),
    );
    pg.start();
    return () => pg.dispose();
  }, [session, onError]);

  return (
    <div className="viewer">
      <canvas ref={canvas} className="viewer-canvas" data-testid="viewer" aria-label="3D view of the robot and the table" />
      <section className="insets" aria-label="What the policy cameras see">
        {DEFAULT_POLICY_CAMERAS.map((spec, i) => (
          <figure key={spec.name} className="inset">
            <canvas
              ref={(el) => {
                insets.current[i] = el;
              }}
              width={spec.width}
              height={spec.height}
              data-testid={`inset-${spec.name}`}
            />
            <figcaption>
              {spec.name} · {spec.width}×{spec.height}
            </figcaption>
          </figure>
        ))}
      </section>
    </div>
  );
}
