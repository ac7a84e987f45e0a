/**
 * A fake `navigator.serial` for e2e pages, installed with `page.addInitScript(installFakeSerial, options)`.
 *
 * Written from the protocol description (shared/SO101.md), independently of src/hardware: a second
 * implementation of the Feetech STS protocol, so the app's codec is checked against one it did not write (a
 * symmetric mistake in src/hardware, made the same way in its encoder and its own fake, would pass unit tests but
 * not this). It lives only in the test's page: nothing test-only enters the app bundle.
 *
 * The function is serialized into the page: it must not use anything from outside its own body.
 *
 * Model: six STS3215s (ids 1..6), each a 256-byte register memory plus a shaft. Present_Position =
 * (shaft − Homing_Offset) mod 4096; with torque on the shaft moves toward Goal_Position (clamped to the position
 * limits) at `ticksPerSecond`. PING, READ, WRITE, SYNC_READ and SYNC_WRITE with checksums; replies come back
 * cut into small chunks, as from a USB serial adapter. The motors (the arm) outlive the port (the
 * cable): `pull()` kills the port, and the next `requestPort()` hands out a new port on the same arm.
 */
export interface FakeSerialOptions {
  /** Shaft positions (ticks) of motors 1..6 at start. */
  shafts: number[];
  ticksPerSecond: number;
}

/** What the test reads and does through `window.__fakeSerial`. */
export interface FakeSerialControl {
  /** Pull the USB cable of the open port. */
  pull(): void;
  /** Turn motor `id` by hand so that it reads `present` (homed frame). */
  turn(id: number, present: number): void;
  present(): number[];
  goals(): number[];
  torque(): number[];
  /** Instruction packets received with a valid checksum, by instruction code. */
  counts: Record<number, number>;
  ports: number;
}

export function installFakeSerial(options: FakeSerialOptions): void {
  const TURN = 4096;
  const mod = (a: number) => ((a % TURN) + TURN) % TURN;
  const R = { model: 3, id: 5, min: 9, max: 11, homing: 31, torque: 40, goal: 42, lock: 55, present: 56, speed: 58, moving: 66 };

  function u16(mem: Uint8Array, a: number): number {
    return mem[a] | (mem[a + 1] << 8);
  }
  function put16(mem: Uint8Array, a: number, v: number): void {
    mem[a] = v & 0xff;
    mem[a + 1] = (v >> 8) & 0xff;
  }
  /** Sign-magnitude: the sign at `bit`, the magnitude below it. */
  function fromSM(raw: number, bit: number): number {
    const mag = raw & ((1 << bit) - 1);
    return raw & (1 << bit) ? -mag : mag;
  }
  function toSM(v: number, bit: number): number {
    return v < 0 ? (1 << bit) | Math.min(-v, (1 << bit) - 1) : Math.min(v, (1 << bit) - 1);
  }

  interface Motor {
    id: number;
    mem: Uint8Array;
    shaft: number;
    last: number;
  }

  const motors: Motor[] = options.shafts.map((shaft, i) => {
    const mem = new Uint8Array(256);
    put16(mem, R.model, 777);
    mem[R.id] = i + 1;
    put16(mem, R.min, 0);
    put16(mem, R.max, 4095);
    mem[R.lock] = 1;
    const m = { id: i + 1, mem, shaft, last: performance.now() };
    put16(mem, R.goal, toSM(present(m), 15));
    sync(m);
    return m;
  });

  function offset(m: Motor): number {
    return fromSM(u16(m.mem, R.homing), 11);
  }
  function present(m: Motor): number {
    return mod(Math.round(m.shaft) - offset(m));
  }
  function sync(m: Motor): void {
    put16(m.mem, R.present, toSM(present(m), 15));
  }
  /** Moves the shaft for the time since the last look. */
  function update(m: Motor): void {
    const now = performance.now();
    const dt = (now - m.last) / 1000;
    m.last = now;
    if (m.mem[R.torque] === 1) {
      const lo = u16(m.mem, R.min);
      const hi = u16(m.mem, R.max);
      const target = Math.min(hi, Math.max(lo, fromSM(u16(m.mem, R.goal), 15)));
      const from = present(m);
      const step = Math.sign(target - from) * Math.min(Math.abs(target - from), options.ticksPerSecond * dt);
      m.shaft = mod(from + step + offset(m));
    }
    sync(m);
    m.mem[R.moving] = m.mem[R.torque] === 1 && present(m) !== fromSM(u16(m.mem, R.goal), 15) ? 1 : 0;
  }
  function write(m: Motor, address: number, data: ArrayLike<number>): void {
    update(m);
    const wasOn = m.mem[R.torque] === 1;
    for (let i = 0; i < data.length; i++) m.mem[address + i] = data[i];
    // Torque on takes the present position as the goal, so enabling never jumps.
    if (!wasOn && m.mem[R.torque] === 1) put16(m.mem, R.goal, toSM(present(m), 15));
    sync(m);
  }
  function read(m: Motor, address: number, n: number): number[] {
    update(m);
    return Array.from(m.mem.subarray(address, address + n));
  }

  function checksum(bytes: number[]): number {
    let sum = 0;
    for (const b of bytes) sum += b;
    return ~sum & 0xff;
  }
  function status(id: number, data: number[]): number[] {
    const body = [id, data.length + 2, 0, ...data];
    return [0xff, 0xff, ...body, checksum(body)];
  }

  const counts: Record<number, number> = {};

  /** Runs one instruction packet; returns the reply bytes. */
  function execute(id: number, code: number, p: number[]): number[] {
    counts[code] = (counts[code] ?? 0) + 1;
    const one = motors.find((m) => m.id === id);
    switch (code) {
      case 0x01:
        return id === 0xfe ? motors.flatMap((m) => status(m.id, [])) : one ? status(id, []) : [];
      case 0x02:
        return one ? status(id, read(one, p[0], p[1])) : [];
      case 0x03:
        if (id === 0xfe) for (const m of motors) write(m, p[0], p.slice(1));
        else if (one) write(one, p[0], p.slice(1));
        return one ? status(id, []) : [];
      case 0x82: {
        const out: number[] = [];
        for (const listed of p.slice(2)) {
          const m = motors.find((x) => x.id === listed);
          if (m) out.push(...status(m.id, read(m, p[0], p[1])));
        }
        return out;
      }
      case 0x83: {
        const n = p[1];
        for (let i = 2; i + n < p.length; i += n + 1) {
          const m = motors.find((x) => x.id === p[i]);
          if (m) write(m, p[0], p.slice(i + 1, i + 1 + n));
        }
        return [];
      }
      default:
        return [];
    }
  }

  interface Port extends EventTarget {
    readable: ReadableStream<Uint8Array> | null;
    writable: WritableStream<Uint8Array> | null;
    open(o: { baudRate: number }): Promise<void>;
    close(): Promise<void>;
    getInfo(): { usbVendorId: number; usbProductId: number };
  }

  let current: { port: Port; lose: () => void } | null = null;
  let portsMade = 0;

  function makePort(): Port {
    const port = new EventTarget() as Port;
    let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
    let alive = true;
    let inbox: number[] = [];
    port.readable = null;
    port.writable = null;
    port.getInfo = () => ({ usbVendorId: 0x1a86, usbProductId: 0x55d3 });

    /**
     * A reply comes back as a few small chunks, each its own read as from a USB adapter, on microtasks after the
     * write. Not tasks: the page's WebGL frames take 200–500 ms on the CPU-only test machine, and a task per reply
     * would wait a frame, which says nothing about the app and makes the test slow. The unit tests cover a slow bus.
     */
    const send = (bytes: number[]) => {
      let at = 0;
      const next = () => {
        if (!alive || !controller || at >= bytes.length) return;
        const size = 1 + Math.floor(Math.random() * 9);
        controller.enqueue(Uint8Array.from(bytes.slice(at, at + size)));
        at += size;
        queueMicrotask(next);
      };
      queueMicrotask(next);
    };

    const receive = (chunk: Uint8Array) => {
      inbox.push(...chunk);
      for (;;) {
        const start = inbox.findIndex((b, i) => b === 0xff && inbox[i + 1] === 0xff && inbox[i + 2] !== 0xff);
        if (start < 0) {
          inbox = inbox.slice(-1);
          return;
        }
        inbox = inbox.slice(start);
        if (inbox.length < 4) return;
        const total = inbox[3] + 4;
        if (inbox.length < total) return;
        const packet = inbox.slice(0, total);
        inbox = inbox.slice(total);
        if (checksum(packet.slice(2, -1)) !== packet[total - 1]) continue;
        const reply = execute(packet[2], packet[4], packet.slice(5, -1));
        if (reply.length) send(reply);
      }
    };

    port.open = async () => {
      if (!alive) throw new DOMException('The device has been lost.', 'NetworkError');
      if (port.readable) throw new DOMException('The port is already open.', 'InvalidStateError');
      port.readable = new ReadableStream<Uint8Array>({
        start: (c) => {
          controller = c;
        },
      });
      port.writable = new WritableStream<Uint8Array>({
        write: (chunk) => {
          if (!alive) throw new DOMException('The device has been lost.', 'NetworkError');
          receive(chunk);
        },
      });
    };
    port.close = async () => {
      if (port.readable?.locked || port.writable?.locked) throw new TypeError("Failed to execute 'close' on 'SerialPort': Cannot cancel a locked stream");
      port.readable = null;
      port.writable = null;
      controller = null;
    };
    const lose = () => {
      if (!alive) return;
      alive = false;
      controller?.error(new DOMException('The device has been lost.', 'NetworkError'));
      controller = null;
      port.readable = null;
      port.writable = null;
      port.dispatchEvent(new Event('disconnect'));
    };
    current = { port, lose };
    portsMade++;
    return port;
  }

  const serial = {
    requestPort: async () => makePort(),
    getPorts: async () => (current ? [current.port] : []),
    addEventListener: () => {},
    removeEventListener: () => {},
  };
  Object.defineProperty(navigator, 'serial', { value: serial, configurable: true });

  const control: FakeSerialControl = {
    pull: () => current?.lose(),
    turn: (id, value) => {
      const m = motors[id - 1];
      update(m);
      m.shaft = mod(value + offset(m));
      sync(m);
    },
    present: () =>
      motors.map((m) => {
        update(m);
        return present(m);
      }),
    goals: () => motors.map((m) => fromSM(u16(m.mem, R.goal), 15)),
    torque: () => motors.map((m) => m.mem[R.torque]),
    counts,
    get ports() {
      return portsMade;
    },
  };
  (window as unknown as { __fakeSerial: FakeSerialControl }).__fakeSerial = control;
}
