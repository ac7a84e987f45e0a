/**
 * Gamepad teleoperation as pure logic: a standard-layout gamepad's sticks, triggers and d-pad → teleop keys
 * with strengths (the same keys as the keyboard, so one code path moves the arm). Sticks drive the tool point
 * through IK; the d-pad jogs pan and wrist flex; the triggers close and open the gripper.
 */

/** What the mapping reads from a `Gamepad` (a structural subset, so tests need no browser). */
export interface PadState {
  axes: readonly number[];
  buttons: readonly { value: number; pressed: boolean }[];
}

/** Stick travel ignored around the centre: worn sticks never rest at exactly 0. */
export const DEADZONE = 0.15;

/** [input, key for the negative direction, key for the positive direction]. Axes of the W3C standard mapping. */
const STICKS: [number, string, string][] = [
  [0, 'j', 'l'], // left stick x: tool left / right
  [1, 'i', 'k'], // left stick y (up is negative): tool forward / back
  [2, 't', 'g'], // right stick x: wrist roll
  [3, 'u', 'o'], // right stick y: tool up / down
];

/** [button, key]. */
const BUTTONS: [number, string][] = [
  [6, 'y'], // left trigger: open the gripper
  [7, 'h'], // right trigger: close the gripper
  [12, 'r'], // d-pad up: wrist flex up
  [13, 'f'], // d-pad down
  [14, 'q'], // d-pad left: pan left
  [15, 'a'], // d-pad right
];

export const GAMEPAD_HELP: readonly [string, string][] = [
  ['left stick', 'tool forward / back / left / right'],
  ['right stick', 'tool up / down, wrist roll'],
  ['triggers', 'gripper open (left) / close (right)'],
  ['d-pad', 'shoulder pan, wrist flex'],
];

/** Rescale past the dead zone so strength runs 0 → 1 over the rest of the travel. */
function past(v: number, deadzone: number): number {
  const a = Math.abs(v);
  return a <= deadzone ? 0 : Math.min(1, (a - deadzone) / (1 - deadzone));
}

export function gamepadKeys(pad: PadState, deadzone = DEADZONE): Map<string, number> {
  const keys = new Map<string, number>();
  for (const [axis, neg, pos] of STICKS) {
    const v = pad.axes[axis] ?? 0;
    if (!Number.isFinite(v)) continue;
    const s = past(v, deadzone);
    if (s > 0) keys.set(v < 0 ? neg : pos, s);
  }
  for (const [button, key] of BUTTONS) {
    const b = pad.buttons[button];
    if (!b) continue;
    // Analog triggers report a value; digital buttons only `pressed`.
    const s = b.value > 0 ? past(b.value, deadzone) : b.pressed ? 1 : 0;
    if (s > 0) keys.set(key, Math.max(s, keys.get(key) ?? 0));
  }
  return keys;
}
