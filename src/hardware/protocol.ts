/**
 * The Feetech STS wire format: instruction packets `FF FF id len instr params… chk`, status packets
 * `FF FF id len err data… chk`, with len = params + 2 and chk = ~(id + len + instr|err + Σparams) & 0xFF.
 * Builders throw RangeError on misuse (a programming error); parsers never throw (wire bytes are untrusted).
 */

export const BROADCAST_ID = 0xfe;
export const HEADER = 0xff;

export const Instruction = {
  PING: 0x01,
  READ: 0x02,
  WRITE: 0x03,
  REG_WRITE: 0x04,
  ACTION: 0x05,
  SYNC_READ: 0x82,
  SYNC_WRITE: 0x83,
} as const;
export type InstructionCode = (typeof Instruction)[keyof typeof Instruction];

/** Status error bits. */
export const STATUS_ERROR_BITS = {
  voltage: 1,
  angle: 2,
  overheat: 4,
  overCurrent: 8,
  overload: 32,
} as const;
export type StatusErrorName = keyof typeof STATUS_ERROR_BITS;

/** Params fit when len = params + 2 fits in one byte. */
export const MAX_PARAMS = 0xff - 2;

/** ~(Σ bytes[start..end)) & 0xFF: the checksum over id, len, instruction/error and params. */
export function checksum(bytes: ArrayLike<number>, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i];
  return ~sum & 0xff;
}

function checkId(id: number, allowBroadcast: boolean): void {
  const max = allowBroadcast ? BROADCAST_ID : BROADCAST_ID - 1;
  if (!Number.isInteger(id) || id < 0 || id > max) throw new RangeError(`invalid motor id ${id}`);
}

function checkByte(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${what} ${value} is not a byte`);
}

/** Any packet: header, id, len, code (instruction or error byte), params, checksum. */
export function encodePacket(id: number, code: number, params: ArrayLike<number> = []): Uint8Array {
  checkId(id, true);
  checkByte(code, 'code');
  if (params.length > MAX_PARAMS) throw new RangeError(`${params.length} params exceed ${MAX_PARAMS}`);
  const out = new Uint8Array(params.length + 6);
  out[0] = HEADER;
  out[1] = HEADER;
  out[2] = id;
  out[3] = params.length + 2;
  out[4] = code;
  for (let i = 0; i < params.length; i++) {
    checkByte(params[i], 'param');
    out[5 + i] = params[i];
  }
  out[out.length - 1] = checksum(out, 2, out.length - 1);
  return out;
}

export function pingPacket(id: number): Uint8Array {
  return encodePacket(id, Instruction.PING);
}

export function readPacket(id: number, address: number, length: number): Uint8Array {
  checkId(id, false);
  return encodePacket(id, Instruction.READ, [address, length]);
}

export function writePacket(id: number, address: number, data: ArrayLike<number>): Uint8Array {
  return encodePacket(id, Instruction.WRITE, [address, ...Array.from(data)]);
}

/** Stages a write that takes effect on ACTION, so several motors can start together. */
export function regWritePacket(id: number, address: number, data: ArrayLike<number>): Uint8Array {
  return encodePacket(id, Instruction.REG_WRITE, [address, ...Array.from(data)]);
}

export function actionPacket(id: number = BROADCAST_ID): Uint8Array {
  return encodePacket(id, Instruction.ACTION);
}

/** Broadcast: each listed motor answers with its own status packet, in the listed order. */
export function syncReadPacket(address: number, length: number, ids: readonly number[]): Uint8Array {
  for (const id of ids) checkId(id, false);
  return encodePacket(BROADCAST_ID, Instruction.SYNC_READ, [address, length, ...ids]);
}

/** Broadcast, no reply: `[addr, n, (id, data[n])…]`. */
export function syncWritePacket(
  address: number,
  length: number,
  entries: Iterable<readonly [id: number, data: ArrayLike<number>]>,
): Uint8Array {
  const params = [address, length];
  for (const [id, data] of entries) {
    checkId(id, false);
    if (data.length !== length) throw new RangeError(`motor ${id}: ${data.length} data bytes, expected ${length}`);
    params.push(id, ...Array.from(data));
  }
  return encodePacket(BROADCAST_ID, Instruction.SYNC_WRITE, params);
}

/** One checksum-valid packet off the wire. `code` is the instruction (host → motor) or the error byte (motor → host). */
export interface Frame {
  readonly id: number;
  readonly code: number;
  readonly params: Uint8Array;
}

export interface StatusPacket {
  readonly id: number;
  /** Raw error byte; 0 = no error. */
  readonly error: number;
  /** Names of the documented error bits that are set. */
  readonly errors: readonly StatusErrorName[];
  readonly params: Uint8Array;
}

export function decodeErrorBits(error: number): StatusErrorName[] {
  const names: StatusErrorName[] = [];
  for (const [name, bit] of Object.entries(STATUS_ERROR_BITS) as [StatusErrorName, number][]) {
    if (error & bit) names.push(name);
  }
  return names;
}

export function toStatusPacket(frame: Frame): StatusPacket {
  return { id: frame.id, error: frame.code, errors: decodeErrorBits(frame.code), params: frame.params };
}

export type FrameCheck =
  | { readonly kind: 'frame'; readonly frame: Frame; readonly size: number }
  /** More bytes are needed to decide. */
  | { readonly kind: 'incomplete' }
  /** No packet starts here: the header, id (0xFF) or length (< 2 or > maxLen) is impossible. */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'checksum' };

/**
 * What the bytes `buf[start..end)` hold at `start`: a whole valid packet, a bad one, or not enough bytes yet.
 * `maxLen` bounds the len byte, so a corrupt length cannot make the caller wait for bytes that never come.
 */
export function checkFrameAt(buf: ArrayLike<number>, start: number, end: number, maxLen = 0xff): FrameCheck {
  const available = end - start;
  if (available < 1) return { kind: 'incomplete' };
  if (buf[start] !== HEADER) return { kind: 'invalid' };
  if (available < 2) return { kind: 'incomplete' };
  if (buf[start + 1] !== HEADER) return { kind: 'invalid' };
  if (available < 4) return { kind: 'incomplete' };
  const id = buf[start + 2];
  const len = buf[start + 3];
  // A third 0xFF means the real header starts one byte later (ids stop at 0xFE).
  if (id === HEADER || len < 2 || len > maxLen) return { kind: 'invalid' };
  const size = len + 4;
  if (available < size) return { kind: 'incomplete' };
  if (checksum(buf, start + 2, start + size - 1) !== buf[start + size - 1]) return { kind: 'checksum' };
  const params = Uint8Array.from({ length: len - 2 }, (_, i) => buf[start + 5 + i]);
  return { kind: 'frame', frame: { id, code: buf[start + 4], params }, size };
}

export type StatusParse =
  | { readonly ok: true; readonly packet: StatusPacket }
  | { readonly ok: false; readonly reason: 'incomplete' | 'invalid' | 'checksum' | 'trailing' };

/** Parses exactly one status packet filling `bytes`. Never throws. */
export function parseStatusPacket(bytes: ArrayLike<number>): StatusParse {
  const check = checkFrameAt(bytes, 0, bytes.length);
  if (check.kind !== 'frame') return { ok: false, reason: check.kind };
  if (check.size !== bytes.length) return { ok: false, reason: 'trailing' };
  return { ok: true, packet: toStatusPacket(check.frame) };
}

/**
 * Reassembles packets from a byte stream cut at arbitrary points (serial reads return arbitrary chunks).
 * Garbage is skipped up to the next FF FF header; a packet with a bad checksum is counted and dropped by
 * skipping its header only, so a real packet hidden inside it is still found. Never throws.
 * Invariant: bytes pushed = bytes in returned frames + droppedBytes + buffered.
 */
export class PacketFramer {
  /**
   * Largest len byte accepted. A reader that knows what it awaits lowers it (the bus sets data length + 2), so a
   * corrupt len is rejected at once instead of swallowing the packets behind it while its bytes accumulate.
   */
  maxLength = 0xff;
  checksumErrors = 0;
  droppedBytes = 0;
  private buf = new Uint8Array(64);
  private start = 0;
  private end = 0;

  /** Bytes held back, waiting for the rest of a packet. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Forgets buffered bytes (counted as dropped), e.g. before a new request so a stale partial packet cannot stall it. */
  reset(): void {
    this.droppedBytes += this.buffered;
    this.start = this.end = 0;
  }

  push(chunk: ArrayLike<number>): Frame[] {
    this.append(chunk);
    const frames: Frame[] = [];
    const buf = this.buf;
    while (this.start < this.end) {
      const check = checkFrameAt(buf, this.start, this.end, this.maxLength);
      if (check.kind === 'incomplete') break;
      if (check.kind === 'frame') {
        frames.push(check.frame);
        this.start += check.size;
        continue;
      }
      if (check.kind === 'checksum') this.checksumErrors++;
      this.skipToNextHeader();
    }
    return frames;
  }

  /** Drops the byte at `start` and everything up to the next 0xFF that could begin a header. */
  private skipToNextHeader(): void {
    let i = this.start + 1;
    while (i < this.end && this.buf[i] !== HEADER) i++;
    this.droppedBytes += i - this.start;
    this.start = i;
  }

  private append(chunk: ArrayLike<number>): void {
    const n = chunk.length;
    if (this.start === this.end) this.start = this.end = 0;
    if (this.end + n > this.buf.length) {
      const live = this.end - this.start;
      if (live + n > this.buf.length) {
        const grown = new Uint8Array(Math.max(2 * this.buf.length, live + n));
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = live;
    }
    for (let i = 0; i < n; i++) this.buf[this.end + i] = chunk[i];
    this.end += n;
  }
}
