import { describe, expect, it } from 'vitest';
import { encodeRegister } from './controlTable';
import {
  actionPacket,
  BROADCAST_ID,
  checksum,
  decodeErrorBits,
  encodePacket,
  parseStatusPacket,
  pingPacket,
  readPacket,
  regWritePacket,
  syncReadPacket,
  syncWritePacket,
  writePacket,
} from './protocol';
import { hex, referenceChecksum, toHex } from './testBytes';

describe('instruction packets, byte-exact (SO101.md examples)', () => {
  it('PING id 1', () => {
    expect(toHex(pingPacket(1))).toBe('FF FF 01 02 01 FB');
  });
  it('READ id 1 Present_Position (56, 2 bytes)', () => {
    expect(toHex(readPacket(1, 56, 2))).toBe('FF FF 01 04 02 38 02 BE');
  });
  it('WRITE id 1 Goal_Position 2048', () => {
    expect(toHex(writePacket(1, 42, encodeRegister('Goal_Position', 2048)))).toBe('FF FF 01 05 03 2A 00 08 C4');
  });
  it('parses the PING reply FF FF 01 02 00 FC', () => {
    const parsed = parseStatusPacket(hex('FF FF 01 02 00 FC'));
    expect(parsed).toEqual({ ok: true, packet: { id: 1, error: 0, errors: [], params: new Uint8Array() } });
  });
});

describe('sync packets', () => {
  it('SYNC_WRITE Goal_Position {1: 2048, 2: 1000}', () => {
    const packet = syncWritePacket(42, 2, [
      [1, encodeRegister('Goal_Position', 2048)],
      [2, encodeRegister('Goal_Position', 1000)],
    ]);
    expect(toHex(packet.subarray(0, -1))).toBe('FF FF FE 0A 83 2A 02 01 00 08 02 E8 03');
    expect(packet.at(-1)).toBe(referenceChecksum(packet));
    expect(packet.at(-1)).toBe(0x52);
  });
  it('SYNC_READ Present_Position of ids 1..6', () => {
    const packet = syncReadPacket(56, 2, [1, 2, 3, 4, 5, 6]);
    expect(toHex(packet.subarray(0, -1))).toBe('FF FF FE 0A 82 38 02 01 02 03 04 05 06');
    expect(packet.at(-1)).toBe(referenceChecksum(packet));
    expect(packet.at(-1)).toBe(0x26);
  });
  it('REG_WRITE and broadcast ACTION', () => {
    const reg = regWritePacket(3, 42, [0x00, 0x08]);
    expect(toHex(reg.subarray(0, -1))).toBe('FF FF 03 05 04 2A 00 08');
    expect(reg.at(-1)).toBe(referenceChecksum(reg));
    expect(toHex(actionPacket())).toBe(`FF FF FE 02 05 ${toHex([referenceChecksum(hex('FF FF FE 02 05 00'))])}`);
  });
  it('agrees with the reference checksum on random packets', () => {
    for (let n = 0; n < 200; n++) {
      const params = Array.from({ length: n % 40 }, (_, i) => (i * 37 + n * 11) & 0xff);
      const packet = encodePacket(n % 254, (n * 7) & 0xff, params);
      expect(packet.at(-1)).toBe(referenceChecksum(packet));
      expect(checksum(packet, 2, packet.length - 1)).toBe(packet.at(-1));
    }
  });
});

describe('builder guards', () => {
  it('rejects bad ids, bytes and lengths', () => {
    expect(() => pingPacket(0xff)).toThrow(RangeError);
    expect(() => readPacket(BROADCAST_ID, 56, 2)).toThrow(RangeError);
    expect(() => syncReadPacket(56, 2, [1, 254])).toThrow(RangeError);
    expect(() => writePacket(1, 42, [256])).toThrow(RangeError);
    expect(() => syncWritePacket(42, 2, [[1, [1]]])).toThrow(RangeError);
    expect(() => encodePacket(1, 3, new Uint8Array(254))).toThrow(RangeError);
  });
});

describe('status packets', () => {
  it('decodes error bits to names', () => {
    expect(decodeErrorBits(0)).toEqual([]);
    expect(decodeErrorBits(1 | 4 | 32)).toEqual(['voltage', 'overheat', 'overload']);
    expect(decodeErrorBits(2 | 8)).toEqual(['angle', 'overCurrent']);
    expect(decodeErrorBits(16 | 64 | 128)).toEqual([]);
  });
  it('parses data and error bits', () => {
    const reply = encodePacket(3, 4 | 8, [0x00, 0x08]);
    const parsed = parseStatusPacket(reply);
    expect(parsed.ok && parsed.packet).toEqual({
      id: 3,
      error: 12,
      errors: ['overheat', 'overCurrent'],
      params: Uint8Array.of(0x00, 0x08),
    });
  });
  it('says why a buffer is not one status packet', () => {
    expect(parseStatusPacket(hex('FF FF 01 02 00 FD'))).toEqual({ ok: false, reason: 'checksum' });
    expect(parseStatusPacket(hex('FF FF 01 02 00'))).toEqual({ ok: false, reason: 'incomplete' });
    expect(parseStatusPacket([])).toEqual({ ok: false, reason: 'incomplete' });
    expect(parseStatusPacket(hex('FE FF 01 02 00 FC'))).toEqual({ ok: false, reason: 'invalid' });
    expect(parseStatusPacket(hex('FF FF 01 01 00 FC'))).toEqual({ ok: false, reason: 'invalid' });
    expect(parseStatusPacket(hex('FF FF 01 02 00 FC 00'))).toEqual({ ok: false, reason: 'trailing' });
  });
});
