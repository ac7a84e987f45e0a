/**
 * Where the instructed object is and where it must go, and where those points land in each policy camera's
 * image: the heatmap targets training supervises (sceneTargets.ts replays recordings in Node for them; the
 * datagen page writes them itself for episodes a policy began, which no replay of the expert can rebuild).
 */
import type { CameraProjector } from '../src/render/cameraProjection';
import type { Vec3 } from '../src/sim/math';
import type { SceneSpec } from '../src/sim/scene';
import { bowlById, SIDE_REGION, SIDE_SIGN, type Task } from '../src/sim/tasks';
import type { SimSnapshot } from '../src/sim/world';

/** World points of the instructed object and of where it must go, at this instant (`start`: where the object began). */
export function taskPoints(task: Task, scene: SceneSpec, snap: SimSnapshot, start: Vec3): [Vec3, Vec3] {
  const obj = snap.objects[task.object].p;
  switch (task.family) {
    case 'pick':
      return [obj, obj];
    case 'place': {
      const b = bowlById(scene, task.bowl);
      return [obj, [b.x, b.y, 0]];
    }
    case 'push':
      return [obj, [start[0], SIDE_SIGN[task.side] * SIDE_REGION.goal, start[2]]];
    case 'stack':
      return [obj, snap.objects[task.base].p];
  }
}

/** One frame's targets into `out` at frame `t`: float32 [cameras, 2 points (object, goal), 3 (u, v, visible)]. */
export function writeFrameTargets(out: Float32Array, t: number, cams: CameraProjector[], points: [Vec3, Vec3], snap: SimSnapshot): void {
  cams.forEach((cam, c) => {
    points.forEach((p, k) => {
      const ip = cam.project(p, snap.links.gripper);
      out.set([ip.u, ip.v, ip.visible ? 1 : 0], ((t * cams.length + c) * 2 + k) * 3);
    });
  });
}
