import { afterEach, describe, expect, it } from 'vitest';
import { NUM_ARM_JOINTS } from '../sim/kinematics';
import { generateScene } from '../sim/scene';
import { SimWorld } from '../sim/world';
import { makeRobot, RobotNotConnectedError } from './robot';
import { SimRobot } from './simRobot';

let world: SimWorld | null = null;
afterEach(() => {
  world?.dispose();
  world = null;
});

async function connected(): Promise<{ robot: SimRobot; w: SimWorld }> {
  world = await SimWorld.create(generateScene(0));
  const robot = makeRobot({ type: 'sim', world });
  expect(robot).toBeInstanceOf(SimRobot);
  await robot.connect();
  return { robot: robot as SimRobot, w: world };
}

describe('SimRobot', () => {
  it('observes the world in LeRobot units', async () => {
    const { robot, w } = await connected();
    expect(robot.name).toBe('sim_so101');
    expect(robot.observationFeatures).toEqual(['shoulder_pan.pos', 'shoulder_lift.pos', 'elbow_flex.pos', 'wrist_flex.pos', 'wrist_roll.pos', 'gripper.pos']);
    expect(robot.actionFeatures).toEqual(robot.observationFeatures);
    expect((await robot.getObservation()).state).toEqual(w.jointState());
    expect(robot.safety.hold()).toEqual(w.jointState());
  });

  it('moves the world toward an action, one safe step per control tick', async () => {
    const { robot, w } = await connected();
    const start = w.jointState();
    const target = start.map((v, i) => (i < NUM_ARM_JOINTS ? v + 20 : 30));
    let sent: number[] = [];
    for (let tick = 0; tick < 30; tick++) {
      sent = await robot.sendAction(target);
      w.stepControl();
    }
    sent.forEach((v, i) => {
      expect(v).toBeCloseTo(target[i], 9);
    });
    const state = (await robot.getObservation()).state;
    for (let i = 0; i < NUM_ARM_JOINTS; i++) expect(Math.abs(state[i] - target[i])).toBeLessThan(0.5);
    expect(robot.safety.counts.total).toBe(30);
  });

  it('returns what it actually sent: a far jump is cut to one step', async () => {
    const { robot, w } = await connected();
    const start = w.jointState();
    const sent = await robot.sendAction(start.map((v, i) => (i === 0 ? v + 90 : v)));
    const step = robot.safety.limits.maxStep[0];
    expect(sent[0]).toBeCloseTo(start[0] + step, 9);
    expect(w.jointTargets()[0]).toBeCloseTo(start[0] + step, 6);
    expect(robot.safety.counts.clipped).toBe(1);
  });

  it('holds the last safe targets on a NaN action', async () => {
    const { robot, w } = await connected();
    const before = w.jointTargets();
    const sent = await robot.sendAction([Number.NaN, 0, 0, 0, 0, 0]);
    expect(sent).toEqual(robot.safety.hold());
    w.jointTargets().forEach((v, i) => {
      expect(v).toBeCloseTo(before[i], 6);
    });
    expect(robot.safety.counts.rejected).toBe(1);
  });

  it('stop() freezes the targets at the measured pose', async () => {
    const { robot, w } = await connected();
    const start = w.jointState();
    for (let tick = 0; tick < 3; tick++) {
      await robot.sendAction(start.map((v) => v + 30));
      w.stepControl();
    }
    await robot.stop();
    const frozen = w.jointState();
    w.jointTargets().forEach((v, i) => {
      expect(v).toBeCloseTo(frozen[i], 6);
    });
    expect(robot.safety.hold()).toEqual(frozen);
  });

  it('refuses to act or observe before connect and after disconnect; stop() is then a no-op', async () => {
    world = await SimWorld.create(generateScene(0));
    const robot = makeRobot({ type: 'sim', world });
    await expect(robot.getObservation()).rejects.toBeInstanceOf(RobotNotConnectedError);
    await robot.connect();
    expect(robot.isConnected).toBe(true);
    await robot.disconnect();
    expect(robot.isConnected).toBe(false);
    await expect(robot.sendAction([0, 0, 0, 0, 0, 0])).rejects.toThrow('The simulated arm is not connected: press Connect first.');
    await expect(robot.stop()).resolves.toBeUndefined();
  });
});
