/** Test helpers: hex strings ↔ bytes, and a checksum written independently of protocol.ts. */
export function hex(s: string): Uint8Array {
  return Uint8Array.from(s.trim().split(/\s+/), (b) => Number.parseInt(b, 16));
}

export function toHex(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** 255 − (Σ bytes after the header, except the checksum) mod 256: the same value as ~Σ & 0xFF, computed differently. */
export function referenceChecksum(packet: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 2; i < packet.length - 1; i++) sum += packet[i];
  return 255 - (sum % 256);
}
