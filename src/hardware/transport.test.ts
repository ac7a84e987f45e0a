import { describe, expect, it } from 'vitest';
import { FeetechBus } from './bus';
import { DisconnectedError } from './errors';
import { FakeServoBus } from './fakeBus';
import { FakeSerialPort } from './fakeSerialPort';
import { pingPacket } from './protocol';
import { WebSerialTransport } from './transport';

async function setup(timeoutMs = 50) {
  const fake = new FakeServoBus({ seed: 3 });
  const port = new FakeSerialPort(fake);
  const transport = await WebSerialTransport.open(port);
  const bus = new FeetechBus(transport, { timeoutMs });
  return { fake, port, transport, bus };
}

describe('WebSerialTransport over a fake SerialPort', () => {
  it('opens at 1,000,000 baud unless told otherwise', async () => {
    const { port } = await setup();
    expect(port.openOptions).toEqual({ baudRate: 1_000_000 });
    const other = new FakeSerialPort(new FakeServoBus());
    await WebSerialTransport.open(other, { baudRate: 115_200 });
    expect(other.openOptions?.baudRate).toBe(115_200);
  });

  it('carries a whole bus session through one long-lived reader', async () => {
    const { fake, port, bus } = await setup();
    for (const id of [1, 2, 3, 4, 5, 6]) fake.motor(id).turnByHand(500 + id);
    await bus.ping(1);
    for (let n = 0; n < 20; n++) {
      const positions = await bus.syncRead('Present_Position', [1, 2, 3, 4, 5, 6]);
      expect([...positions.values()]).toEqual([501, 502, 503, 504, 505, 506]);
    }
    await bus.syncWrite('Torque_Enable', new Map([[1, 1]]));
    await bus.write(1, 'Goal_Position', 3000);
    expect(await bus.read(1, 'Present_Position')).toBe(3000);
    expect(port.readersTaken).toBe(1);
  });

  it('closes cleanly: cancels the reader, releases the locks, then closes the port', async () => {
    const { port, transport, bus } = await setup();
    let lost = 0;
    transport.onDisconnect(() => lost++);
    await bus.ping(2);
    await expect(transport.close()).resolves.toBeUndefined();
    await expect(transport.close()).resolves.toBeUndefined();
    expect(port.readable).toBeNull();
    expect(port.writable).toBeNull();
    expect(transport.connected).toBe(false);
    expect(lost).toBe(0);
    await expect(transport.write(pingPacket(1))).rejects.toThrow();
    await expect(bus.ping(1)).rejects.toBeInstanceOf(Error);
  });

  it('closes while a request waits for a reply', async () => {
    const { fake, transport, bus } = await setup(5000);
    fake.faults.replyDelayMs = 2000;
    const pending = bus.read(1, 'Present_Position').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5));
    await bus.close();
    expect(await pending).toBeInstanceOf(DisconnectedError);
    expect(transport.connected).toBe(false);
  });

  it('keeps reading after a non-fatal read error, with a fresh reader', async () => {
    const { port, bus } = await setup();
    await bus.ping(1);
    port.injectReadError();
    await new Promise((r) => setTimeout(r, 0));
    await bus.ping(2);
    expect(port.readersTaken).toBe(2);
  });

  it('reports a pulled cable once, fails the request in flight, and can still be closed', async () => {
    const { fake, transport, bus } = await setup(5000);
    const reasons: unknown[] = [];
    transport.onDisconnect((r) => reasons.push(r));
    fake.faults.replyDelayMs = 2000;
    const pending = bus.read(1, 'Present_Position').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5));
    fake.disconnect();
    expect(await pending).toBeInstanceOf(DisconnectedError);
    await new Promise((r) => setTimeout(r, 0));
    expect(reasons).toHaveLength(1);
    expect(transport.connected).toBe(false);
    await expect(bus.ping(1)).rejects.toBeInstanceOf(DisconnectedError);
    await expect(transport.close()).resolves.toBeUndefined();
  });

  it('FakeSerialPort keeps the Web Serial trap: close() rejects while a reader holds the lock', async () => {
    const port = new FakeSerialPort(new FakeServoBus());
    await port.open({ baudRate: 1_000_000 });
    const reader = port.readable!.getReader();
    await expect(port.close()).rejects.toThrow(/locked/);
    await reader.cancel();
    reader.releaseLock();
    await expect(port.close()).resolves.toBeUndefined();
  });
});
