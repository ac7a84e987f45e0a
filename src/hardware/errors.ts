/** Typed failures of the motor bus, so callers can tell a silent motor from a noisy line or a pulled cable. */
import type { StatusErrorName } from './protocol';

export class BusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No (valid) answer in time. `motorId` is the first silent motor; `missingIds` lists them all. */
export class TimeoutError extends BusError {
  readonly motorId: number;
  readonly missingIds: readonly number[];
  constructor(missingIds: readonly number[], timeoutMs: number) {
    super(`no reply from motor ${missingIds.join(', ')} within ${timeoutMs} ms`);
    this.motorId = missingIds[0];
    this.missingIds = missingIds;
  }
}

/** Every expected packet arrived, but some failed their checksum. `motorIds` are those without a valid answer. */
export class ChecksumError extends BusError {
  readonly motorIds: readonly number[];
  constructor(motorIds: readonly number[]) {
    super(`corrupt reply (bad checksum) from motor ${motorIds.join(', ')}`);
    this.motorIds = motorIds;
  }
}

/**
 * A motor answered with error bits set (overheat, overload…). The answer's data is still valid:
 * `values` holds what the request read (id → value), so a caller may log the fault and still use the reading.
 */
export class MotorError extends BusError {
  readonly motorId: number;
  readonly errorByte: number;
  readonly errors: readonly StatusErrorName[];
  readonly values: ReadonlyMap<number, number>;
  constructor(motorId: number, errorByte: number, errors: readonly StatusErrorName[], values: ReadonlyMap<number, number>) {
    super(`motor ${motorId} reports ${errors.length ? errors.join(', ') : 'unknown error'} (error byte 0x${errorByte.toString(16)})`);
    this.motorId = motorId;
    this.errorByte = errorByte;
    this.errors = errors;
    this.values = values;
  }
}

/** The transport is gone (cable pulled, port closed); no request can succeed until a new bus is made. */
export class DisconnectedError extends BusError {
  constructor(message = 'serial port disconnected') {
    super(message);
  }
}
