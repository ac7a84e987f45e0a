/**
 * Arm-level failures in words a hobbyist can act on. The bus speaks of ids, timeouts and checksums; the arm layer
 * turns those into "motor 4 (wrist_flex) does not answer: check its cable".
 */
import { ChecksumError, DisconnectedError, MotorError, TimeoutError } from './errors';
import { motorLabel, SO101_IDS } from './so101Motors';

export type So101Problem =
  /** One or more motors are silent: a loose cable or no power. */
  | 'no_answer'
  /** Replies arrive corrupted: noise, a loose connector, or the wrong baud rate. */
  | 'garbled'
  /** A motor reports a fault (overheat, overload, voltage…). */
  | 'motor_fault'
  /** Something answers that is not an STS3215. */
  | 'wrong_motor'
  /** The USB link is gone. */
  | 'disconnected'
  /** The motors' stored calibration or a command was not usable. */
  | 'bad_value';

export class So101Error extends Error {
  readonly problem: So101Problem;
  /** Bus ids of the motors concerned (empty when it is about the whole arm). */
  readonly motorIds: readonly number[];
  constructor(problem: So101Problem, message: string, motorIds: readonly number[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'So101Error';
    this.problem = problem;
    this.motorIds = motorIds;
  }
}

export const UNPLUGGED_MESSAGE =
  'The arm is disconnected: its USB cable was unplugged or the adapter reset. Plug it back in and press Connect.';

/** "motor 4 (wrist_flex)", "motors 4 (wrist_flex) and 5 (wrist_roll)". */
export function motorList(ids: readonly number[]): string {
  const labels = ids.map((id) => motorLabel(id).replace(/^motor /, ''));
  if (labels.length <= 1) return `motor ${labels[0] ?? '?'}`;
  return `motors ${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** What to check when `ids` are silent. The SO-101's bus is a daisy chain from the controller board through 1…6. */
export function noAnswerMessage(ids: readonly number[]): string {
  const missing = [...ids].sort((a, b) => a - b);
  if (missing.length === SO101_IDS.length) {
    return 'No motor answers: check that the arm\'s power supply is plugged in and switched on, and that the cable from the controller board to motor 1 is seated.';
  }
  const first = missing[0];
  const tail = SO101_IDS.filter((id) => id >= first);
  if (missing.length > 1 && tail.length === missing.length && tail.every((id, i) => id === missing[i])) {
    // Everything past one point of the chain is silent: the break is most likely at that point.
    return `${motorList(missing)} do not answer: check the cable into ${motorLabel(first)}, where the chain stops.`;
  }
  const verb = missing.length === 1 ? 'does' : 'do';
  return `${motorList(missing)} ${verb} not answer: check ${missing.length === 1 ? 'its cable' : 'their cables'}.`;
}

/** Any failure from the bus → So101Error with a readable message (an So101Error passes through). */
export function toSo101Error(err: unknown): So101Error {
  if (err instanceof So101Error) return err;
  if (err instanceof DisconnectedError) return new So101Error('disconnected', UNPLUGGED_MESSAGE, [], { cause: err });
  if (err instanceof TimeoutError) return new So101Error('no_answer', noAnswerMessage(err.missingIds), err.missingIds, { cause: err });
  if (err instanceof ChecksumError) {
    return new So101Error(
      'garbled',
      `Garbled reply from ${motorList(err.motorIds)}: check that the cables are firmly seated and that the arm is on the 1,000,000 baud bus.`,
      err.motorIds,
      { cause: err },
    );
  }
  if (err instanceof MotorError) {
    return new So101Error(
      'motor_fault',
      `${motorLabel(err.motorId)} reports ${err.errors.join(', ') || 'a fault'}: switch the arm off, let it cool, and check that nothing blocks the joint and that the power supply is the one made for these motors.`,
      [err.motorId],
      { cause: err },
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new So101Error('bad_value', `Arm error: ${detail}`, [], { cause: err });
}
