import { describe, expect, it } from 'vitest';
import { encodePacket, type Frame, PacketFramer, parseStatusPacket } from './protocol';
import { randomInt, seededRandom } from './seededRandom';
import { hex } from './testBytes';

const A = encodePacket(1, 0, [0x00, 0x08]);
const B = encodePacket(2, 32, [0xe8, 0x0b]);
const C = encodePacket(3, 0, []);
/** Garbage: stray bytes, lone and triple FFs, and a false header whose checksum fails. */
const GARBAGE_1 = hex('00 13 FF 7E FF FF FF');
const GARBAGE_2 = hex('FF FF 07 03 00 00 00 55');
const STREAM = concat(GARBAGE_1, A, GARBAGE_2, B, C, hex('FF'));
const EXPECTED: Frame[] = [
  { id: 1, code: 0, params: Uint8Array.of(0x00, 0x08) },
  { id: 2, code: 32, params: Uint8Array.of(0xe8, 0x0b) },
  { id: 3, code: 0, params: new Uint8Array() },
];

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function feed(framer: PacketFramer, chunks: Uint8Array[]): Frame[] {
  return chunks.flatMap((c) => framer.push(c));
}

function frameBytes(frames: Frame[]): number {
  return frames.reduce((n, f) => n + f.params.length + 6, 0);
}

describe('PacketFramer', () => {
  it('finds the packets in one chunk, skipping garbage and counting the bad checksum', () => {
    const framer = new PacketFramer();
    expect(framer.push(STREAM)).toEqual(EXPECTED);
    expect(framer.checksumErrors).toBe(1);
    expect(framer.buffered).toBe(1); // the trailing FF may start a header
    expect(framer.droppedBytes).toBe(GARBAGE_1.length + GARBAGE_2.length);
  });

  it('gives the same packets across every split into two and three chunks', () => {
    const n = STREAM.length;
    let cases = 0;
    for (let i = 0; i <= n; i++) {
      for (let j = i; j <= n; j++) {
        const framer = new PacketFramer();
        const frames = feed(framer, [STREAM.slice(0, i), STREAM.slice(i, j), STREAM.slice(j)]);
        expect(frames).toEqual(EXPECTED);
        expect(framer.checksumErrors).toBe(1);
        cases++;
      }
    }
    expect(cases).toBe(((n + 1) * (n + 2)) / 2);
  });

  it('gives the same packets byte by byte', () => {
    const framer = new PacketFramer();
    expect(feed(framer, Array.from(STREAM, (b) => Uint8Array.of(b)))).toEqual(EXPECTED);
  });

  it('resynchronises inside a corrupt packet: a real packet after a broken header is still found', () => {
    const broken = A.slice(0, 5); // header, id, len, err, then the packet is cut
    const framer = new PacketFramer();
    expect(framer.push(concat(broken, B))).toEqual([EXPECTED[1]]);
  });

  it('rejects a length above maxLength at once instead of waiting for its bytes', () => {
    const framer = new PacketFramer();
    framer.maxLength = 4;
    expect(framer.push(concat(hex('FF FF 01 C8 00'), A))).toEqual([EXPECTED[0]]);
    const patient = new PacketFramer();
    expect(patient.push(concat(hex('FF FF 01 C8 00'), A))).toEqual([]);
    patient.reset();
    expect(patient.push(A)).toEqual([EXPECTED[0]]);
  });

  it('survives a fuzz of random chunks: never throws, accounts for every byte, stays in sync', () => {
    const random = seededRandom(2024);
    const valid = [A, B, C, encodePacket(6, 1, [1, 2, 3, 4])];
    let swallowed = 0;
    const rounds = 3000;
    for (const maxLength of [0xff, 6]) {
      const framer = new PacketFramer();
      framer.maxLength = maxLength;
      let pushed = 0;
      let emitted = 0;
      for (let round = 0; round < rounds; round++) {
        // Garbage biased toward FF and fragments of real packets, the hard cases for a framer.
        const garbage = Array.from({ length: randomInt(random, 0, 24) }, () => {
          const r = random();
          if (r < 0.3) return 0xff;
          if (r < 0.6) {
            const p = valid[randomInt(random, 0, valid.length - 1)];
            return p[randomInt(random, 0, p.length - 1)];
          }
          return randomInt(random, 0, 255);
        });
        const packet = valid[randomInt(random, 0, valid.length - 1)];
        const padding = new Uint8Array(maxLength + 4);
        const stream = concat(garbage, packet, padding);
        const frames: Frame[] = [];
        for (let o = 0; o < stream.length; ) {
          const size = randomInt(random, 1, 16);
          frames.push(...framer.push(stream.subarray(o, o + size)));
          o += size;
        }
        pushed += stream.length;
        emitted += frameBytes(frames);
        expect(pushed).toBe(emitted + framer.droppedBytes + framer.buffered);
        expect(framer.buffered).toBeLessThanOrEqual(maxLength + 4);
        for (const f of frames) expect(parseStatusPacket(encodePacket(f.id, f.code, f.params)).ok).toBe(true);
        // The packet is found unless a false frame that happened to pass its checksum covered it.
        const found = frames.some((f) => f.id === packet[2] && f.params.length === packet.length - 6);
        if (!found) {
          expect(frames.length).toBeGreaterThan(0);
          swallowed++;
        }
      }
    }
    expect(swallowed / (2 * rounds)).toBeLessThan(0.02);
  });

  it('parseStatusPacket never throws on random bytes and accepts only checksum-valid whole packets', () => {
    const random = seededRandom(7);
    for (let n = 0; n < 20000; n++) {
      const bytes = Uint8Array.from({ length: randomInt(random, 0, 12) }, () =>
        random() < 0.25 ? 0xff : randomInt(random, 0, 255),
      );
      if (random() < 0.5 && bytes.length >= 4) {
        bytes[0] = bytes[1] = 0xff;
        bytes[3] = bytes.length - 4;
      }
      const parsed = parseStatusPacket(bytes);
      if (parsed.ok) {
        expect(bytes.length).toBe(parsed.packet.params.length + 6);
        expect(encodePacket(parsed.packet.id, parsed.packet.error, parsed.packet.params)).toEqual(bytes);
      }
    }
  });
});
