/**
 * The app's side of the real SO-101 (or the virtual one): opens the link, keeps the calibration, runs the chosen
 * mode once per sim control tick, stops everything on Stop/Escape, and turns every failure into a sentence in
 * the store. No React.
 *
 * Ownership: the controller owns the open link (a Web Serial port or the virtual arm's fake bus) for as long as
 * the person stays connected; robots and the calibration wizard borrow it through a LeasedTransport in turn, so
 * calibrating or reconnecting never needs another port chooser.
 *
 * Timing: the sim never waits for the serial port. A tick starts at most one bus job (a goal write and/or a
 * position read) and returns; a tick that finds the previous job still running is dropped, not queued, so a
 * slow port makes the real arm lag, never replay stale commands. Stop is the exception: it is always sent, and
 * the bus queues it right behind the job on the wire.
 */
import type { Calibration } from '../hardware/calibration';
import { calibrationToJson, parseCalibrationJson, sameCalibration } from '../hardware/calibration';
import { LeasedTransport } from '../hardware/leasedTransport';
import { isUnplugged } from '../hardware/so101';
import { So101Error, UNPLUGGED_MESSAGE } from '../hardware/so101Errors';
import { motorLabel } from '../hardware/so101Motors';
import { type ByteTransport, type SerialPortLike, WebSerialTransport } from '../hardware/transport';
import { makeRobot, RobotNotConnectedError } from '../control/robot';
import { So101Robot } from '../control/so101Robot';
import { CalibrationRun, type WizardView } from './calibrationRun';
import { browserStorage, forgetCalibration, loadCalibration, type StorageLike, saveCalibration } from './calibrationStore';
import { type HardwareMode, MODES, planTick } from './hardwareModes';
import type { ControlTickInfo, Session } from './session';
import { Store } from './store';
import { createVirtualArm, type HandMotion, type VirtualArm } from './virtualArm';

export type HardwareStatus = 'disconnected' | 'connecting' | 'needs-calibration' | 'connected' | 'error';
export type ArmSource = 'serial' | 'virtual';

export interface HardwareState {
  status: HardwareStatus;
  source: ArmSource | null;
  /** What the link is, for the person: "USB serial (WCH CH343)", "Virtual SO-101". */
  portLabel: string;
  calibration: Calibration | null;
  /** Where the calibration came from, in words. */
  calibrationOrigin: string;
  mode: HardwareMode;
  /** The mode streams; false after connecting and after Stop until Start. */
  running: boolean;
  /** The real arm's joints in LeRobot units (joint order); null when unknown. */
  readings: number[] | null;
  /** Motors reporting a fault bit: "motor 6 (gripper): overload". */
  faults: string[];
  /** What is happening or what went wrong, in words a hobbyist can act on. */
  message: string;
  /** `message` reports a problem. */
  problem: boolean;
  /** Ticks dropped because the previous bus job had not finished. */
  droppedTicks: number;
  wizard: WizardView | null;
  /** navigator.serial exists. */
  webSerial: boolean;
}

/** The part of navigator.serial used here. */
export interface SerialLike {
  requestPort(options?: object): Promise<SerialPortLike>;
}

export interface HardwareControllerOptions {
  /** Default: the page's localStorage. */
  storage?: StorageLike | null;
  /** Default: navigator.serial where it exists. */
  serial?: SerialLike | null;
  makeVirtualArm?: () => VirtualArm;
  /** Bus timeout per request (ms); default FeetechBus's. */
  timeoutMs?: number;
  /** So101Robot's watchdog (ms); default its own. */
  watchdogMs?: number | null;
}

export const NO_WEB_SERIAL_MESSAGE = 'Web Serial needs Chrome or Edge on a desktop: this browser cannot reach a USB serial port. The Virtual arm works here.';
const NEEDS_CALIBRATION_MESSAGE = 'The arm is connected but has no calibration yet: import a LeRobot calibration file or run the calibration wizard.';
/** Live readings reach the store (and React) at most this often (ms); the sim still gets every reading. */
const READINGS_PERIOD_MS = 100;

export class HardwareController {
  readonly store: Store<HardwareState>;
  private readonly storage: StorageLike | null;
  private readonly serial: SerialLike | null;
  private readonly makeVirtualArm: () => VirtualArm;
  private link: ByteTransport | null = null;
  private offLinkLost: (() => void) | null = null;
  private virtual: VirtualArm | null = null;
  private robot: So101Robot | null = null;
  private wizardRun: CalibrationRun | null = null;
  /** A bus job is running: ticks are dropped until it ends. */
  private inFlight = false;
  /** Torque was released by this controller and no goal was sent since. */
  private limp = false;
  private lastPublished = 0;
  /** Bumps whenever the link or robot changes, so late results from an old one are ignored. */
  private generation = 0;

  constructor(
    private readonly session: Session,
    private readonly options: HardwareControllerOptions = {},
  ) {
    this.storage = options.storage === undefined ? browserStorage() : options.storage;
    this.serial = options.serial === undefined ? defaultSerial() : options.serial;
    this.makeVirtualArm = options.makeVirtualArm ?? createVirtualArm;
    const saved = loadCalibration(this.storage);
    this.store = new Store<HardwareState>({
      status: 'disconnected',
      source: null,
      portLabel: '',
      calibration: saved.calibration,
      calibrationOrigin: saved.calibration ? 'saved in this browser' : '',
      mode: 'mirror',
      running: false,
      readings: null,
      faults: [],
      message: saved.problem ?? (this.serial ? 'No arm connected.' : NO_WEB_SERIAL_MESSAGE),
      problem: saved.problem !== null,
      droppedTicks: 0,
      wizard: null,
      webSerial: this.serial !== null,
    });
  }

  get state(): HardwareState {
    return this.store.get();
  }

  /** Starts listening to the sim's control ticks; returns the detach function (a React effect's cleanup). */
  attach(): () => void {
    return this.session.onControlTick((info) => this.onTick(info));
  }

  // ── connecting ────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Connect to a real arm. Must be called from a click: the browser opens its port chooser only during a user
   * gesture, so requestPort() is called before anything is awaited. With a port already open (a failed check,
   * a missing calibration), it checks the arm again instead.
   */
  async connect(): Promise<void> {
    if (this.busyConnecting()) return;
    if (this.link?.connected) return this.checkArm();
    const serial = this.serial;
    if (!serial) {
      this.fail(NO_WEB_SERIAL_MESSAGE);
      return;
    }
    let chosen: Promise<SerialPortLike>;
    try {
      chosen = serial.requestPort();
    } catch (err) {
      this.fail(portChooserMessage(err));
      return;
    }
    this.store.set({ status: 'connecting', message: 'Choose the arm’s USB serial port in the browser’s list…', problem: false });
    let port: SerialPortLike;
    try {
      port = await chosen;
    } catch (err) {
      if (errorName(err) === 'NotFoundError') this.store.set({ status: 'disconnected', message: 'No port was chosen.', problem: false });
      else this.fail(portChooserMessage(err));
      return;
    }
    let link: WebSerialTransport;
    try {
      link = await WebSerialTransport.open(port);
    } catch (err) {
      this.fail(openFailedMessage(err));
      return;
    }
    await this.adopt(link, 'serial', serialPortLabel(port), null);
  }

  /** Connect to the virtual arm: the same flow, over a fake bus that speaks the same bytes. */
  async connectVirtual(): Promise<void> {
    if (this.busyConnecting()) return;
    if (this.link) await this.disconnect();
    const arm = this.makeVirtualArm();
    await this.adopt(arm.bus, 'virtual', 'Virtual SO-101', arm);
  }

  /** Releases torque (as LeRobot does on disconnect), closes the port, forgets the link. Never rejects. */
  async disconnect(): Promise<void> {
    this.generation++;
    this.halt();
    const { robot, wizardRun, link, virtual } = this;
    if (!link && !robot) return;
    this.robot = null;
    this.wizardRun = null;
    this.dropLink();
    await wizardRun?.close();
    await robot?.disconnect();
    await link?.close().catch(() => {});
    virtual?.dispose();
    this.store.set({ status: 'disconnected', source: null, portLabel: '', readings: null, faults: [], wizard: null, message: 'Disconnected. The arm’s torque is off.', problem: false });
  }

  /** The virtual arm's cable is pulled, exactly as a real one's would be (the link reports itself lost). */
  unplugVirtual(): void {
    this.virtual?.bus.disconnect();
  }

  private busyConnecting(): boolean {
    const s = this.state;
    return s.status === 'connecting' || (s.wizard?.busy ?? false);
  }

  private async adopt(link: ByteTransport, source: ArmSource, label: string, virtual: VirtualArm | null): Promise<void> {
    this.generation++;
    this.link = link;
    this.virtual = virtual;
    this.offLinkLost = link.onDisconnect(() => this.linkLost());
    this.store.set({ source, portLabel: label, faults: [], droppedTicks: 0 });
    await this.checkArm();
  }

  /** With a calibration: a robot on the open link, connected. Without: ask for one. */
  private async checkArm(): Promise<void> {
    const link = this.link;
    const calibration = this.state.calibration;
    if (!link) return;
    if (!calibration) {
      this.store.set({ status: 'needs-calibration', message: NEEDS_CALIBRATION_MESSAGE, problem: false });
      return;
    }
    const generation = ++this.generation;
    this.store.set({ status: 'connecting', message: 'Checking the motors…', problem: false });
    // A robot left faulted by a silent motor is asked again; otherwise a fresh one on a fresh lease.
    const stale = this.robot?.arm.calibration;
    if (this.robot && !(stale && sameCalibration(stale, calibration))) {
      const old = this.robot;
      this.robot = null;
      await old.disconnect();
      if (generation !== this.generation) return;
    }
    if (!this.robot) {
      const robot = makeRobot({
        type: 'so101',
        transport: new LeasedTransport(link),
        calibration,
        controlHz: this.session.world.config.controlHz,
        timeoutMs: this.options.timeoutMs,
        watchdogMs: this.options.watchdogMs,
      });
      if (!(robot instanceof So101Robot)) throw new Error('makeRobot({type: "so101"}) must make an So101Robot');
      robot.onError((err) => this.robotError(robot, err));
      this.robot = robot;
    }
    const robot = this.robot;
    try {
      await robot.connect();
      if (generation !== this.generation) return;
      const { state } = await robot.getObservation();
      if (generation !== this.generation) return;
      this.limp = false;
      this.store.set({
        status: 'connected',
        running: false,
        readings: state,
        message: `Connected. The arm holds its pose (torque on). Pick a mode and press Start.`,
        problem: false,
      });
      this.publishFaults();
    } catch (err) {
      if (generation !== this.generation) return;
      if (isUnplugged(err)) this.linkLost();
      else this.fail(`${explain(err)} Then press Connect to check again.`);
    }
  }

  // ── calibration ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * A LeRobot calibration file's text → the calibration in use, saved in this browser. Applied at once when the
   * arm is waiting for one; while connected it takes effect on the next connect (changing it rewrites the motors'
   * EEPROM, which needs torque off: not something to do under a holding arm).
   */
  async importCalibration(text: string, fileName = 'the file'): Promise<boolean> {
    let calibration: Calibration;
    try {
      calibration = parseCalibrationJson(text);
    } catch (err) {
      this.store.set({ message: `${fileName} is not a usable SO-101 calibration: ${err instanceof Error ? err.message : String(err)}.`, problem: true });
      return false;
    }
    const saved = saveCalibration(this.storage, calibration);
    const where = saved ? ' and saved in this browser' : ' (this browser refused to save it: import it again next time)';
    this.store.set({ calibration, calibrationOrigin: `imported from ${fileName}`, message: `Calibration imported${where}.`, problem: false });
    // An open port waiting for a calibration (or left by a failed check) goes on with this one.
    if (this.link?.connected && !this.robot?.isConnected && !this.wizardRun) await this.checkArm();
    else if (this.robot?.isConnected) this.store.set({ message: `Calibration imported${where}. Disconnect and connect again to use it.` });
    return true;
  }

  /** The calibration in use as LeRobot's JSON, or null when there is none. */
  exportCalibration(): string | null {
    const cal = this.state.calibration;
    return cal ? calibrationToJson(cal) : null;
  }

  forgetCalibration(): void {
    forgetCalibration(this.storage);
    this.store.set({ calibration: null, calibrationOrigin: '', message: 'Calibration forgotten: the next connect asks for one.', problem: false });
  }

  /**
   * Starts the calibration wizard on the open link. A connected robot is disconnected first (torque off: the
   * person holds the arm), as the wizard moves every joint by hand.
   */
  async startWizard(): Promise<void> {
    const link = this.link;
    if (!link?.connected || this.busyConnecting()) return;
    this.generation++;
    this.halt();
    const robot = this.robot;
    this.robot = null;
    await robot?.disconnect();
    await this.wizardRun?.close();
    const run = new CalibrationRun(new LeasedTransport(link), (view) => this.wizardChanged(run, view), this.options.timeoutMs);
    this.wizardRun = run;
    this.store.set({ status: 'needs-calibration', readings: null, message: 'Calibrating: the arm is limp, support it.', problem: false, wizard: run.view });
    await run.start();
  }

  async wizardNext(): Promise<void> {
    await this.wizardRun?.next();
  }

  /** Ends the wizard with a calibration: saved, written to the motors by the connect that follows. */
  async wizardFinish(): Promise<void> {
    const run = this.wizardRun;
    if (!run) return;
    const calibration = await run.finish();
    if (!calibration || run !== this.wizardRun) return;
    this.wizardRun = null;
    await run.close();
    const saved = saveCalibration(this.storage, calibration);
    this.store.set({ calibration, calibrationOrigin: 'from the calibration wizard', wizard: null });
    await this.checkArm();
    if (!saved && this.state.status === 'connected') this.store.set({ message: 'Calibrated and connected. This browser refused to save the calibration: export it to keep it.' });
  }

  /**
   * Leaves the wizard. The motors' calibration was cleared by its first step, so with a calibration on file the
   * arm is connected again (which writes it back); without one it keeps waiting for one.
   */
  async cancelWizard(): Promise<void> {
    const run = this.wizardRun;
    if (!run) return;
    this.wizardRun = null;
    await run.close();
    this.setHand('rest');
    this.store.set({ wizard: null });
    await this.checkArm();
  }

  private wizardChanged(run: CalibrationRun, view: WizardView): void {
    if (run !== this.wizardRun) return;
    this.setHand(view.step === 'centre' ? 'centre' : view.step === 'ranges' ? 'sweep' : 'rest');
    this.store.set({ wizard: view });
  }

  // ── modes and stop ────────────────────────────────────────────────────────────────────────────────────────

  /** Picks the mode; a running mode switches at once, a stopped one waits for Start. */
  setMode(mode: HardwareMode): void {
    if (mode === this.state.mode) return;
    this.session.setExternalTargets(null);
    this.store.set({ mode });
    if (this.state.running) this.enter(mode);
    else this.setHand('rest');
  }

  /** Starts streaming in the chosen mode. */
  start(): void {
    if (this.state.status !== 'connected' || !this.robot) return;
    this.store.set({ running: true, message: `${MODES[this.state.mode].label}: running.`, problem: false });
    this.enter(this.state.mode);
  }

  private enter(mode: HardwareMode): void {
    if (MODES[mode].takesSim) this.session.stop();
    this.setHand(MODES[mode].limp || mode === 'real-only' ? 'wander' : 'rest');
  }

  /**
   * The big red button and Escape: the sim's driver stops, the mode stops streaming, and the real arm stops in
   * its default mode ('hold': goals = present position, torque unchanged, so a moving arm freezes rather than
   * drops). Never rejects.
   */
  async stopAll(): Promise<void> {
    this.session.stop();
    this.halt();
    const robot = this.robot;
    if (!robot?.isConnected) {
      if (this.state.status === 'connected') this.store.set({ message: 'Stopped.', problem: false });
      return;
    }
    this.store.set({ message: 'Stopping…', problem: false });
    try {
      await robot.stop();
      if (robot !== this.robot) return;
      this.store.set({
        message: this.limp
          ? 'Stopped. The real arm’s torque was off in this mode: it stays limp where it is.'
          : 'Stopped. The real arm holds where it is (torque on). Press Start to go on.',
        problem: false,
      });
    } catch (err) {
      this.jobFailed(robot, err);
    }
  }

  /** No more streaming: the mode pauses, the sim arm gets its own targets back. */
  private halt(): void {
    this.session.setExternalTargets(null);
    this.setHand('rest');
    if (this.state.running) this.store.set({ running: false });
  }

  // ── the per-tick job ──────────────────────────────────────────────────────────────────────────────────────

  private onTick(info: ControlTickInfo): void {
    const robot = this.robot;
    if (!robot || this.state.status !== 'connected') return;
    if (this.inFlight) {
      this.store.set({ droppedTicks: this.state.droppedTicks + 1 });
      return;
    }
    const s = this.state;
    const plan = planTick(s.mode, s.running, this.session.state.driver, info.targets);
    // A reading from before a driver took over must not pull the sim arm back once it lets go.
    if (!plan.follow) this.session.setExternalTargets(null);
    this.inFlight = true;
    void this.runJob(robot, plan).finally(() => {
      this.inFlight = false;
    });
  }

  private async runJob(robot: So101Robot, plan: ReturnType<typeof planTick>): Promise<void> {
    try {
      if (plan.release && !this.limp) {
        await robot.stop('release');
        this.limp = true;
      }
      // Stop may have come while this job waited: a goal decided before it must not go out after it.
      if (plan.send && this.state.running) {
        await robot.sendAction(plan.send);
        this.limp = false;
      }
      const { state } = await robot.getObservation();
      if (robot !== this.robot) return;
      if (plan.follow && this.state.running) this.session.setExternalTargets(state);
      this.publishReadings(state);
    } catch (err) {
      this.jobFailed(robot, err);
    }
  }

  private publishReadings(state: number[]): void {
    const now = Date.now();
    if (now - this.lastPublished < READINGS_PERIOD_MS) return;
    this.lastPublished = now;
    this.store.set({ readings: state });
    this.publishFaults();
  }

  private publishFaults(): void {
    const faults = [...(this.robot?.arm.faults ?? new Map())].map(([id, names]) => `${motorLabel(id)}: ${names.join(', ') || 'fault'}`);
    if (faults.join('\n') !== this.state.faults.join('\n')) this.store.set({ faults });
  }

  // ── failures ──────────────────────────────────────────────────────────────────────────────────────────────

  private jobFailed(robot: So101Robot, err: unknown): void {
    if (robot !== this.robot || err instanceof RobotNotConnectedError) return;
    if (isUnplugged(err)) {
      this.linkLost();
      return;
    }
    const message = explain(err);
    if (!robot.isConnected) {
      // A silent motor: So101Robot held the others and refuses commands until Connect checks the arm again.
      this.halt();
      this.store.set({ status: 'error', message, problem: true });
    } else {
      // A garbled reply or a motor fault: the next tick may well succeed; the person sees why it stuttered.
      this.store.set({ message, problem: true });
    }
    this.publishFaults();
  }

  private robotError(robot: So101Robot, err: Error): void {
    if (robot !== this.robot) return;
    if (isUnplugged(err)) this.linkLost();
    else this.store.set({ message: explain(err), problem: true });
  }

  /**
   * The cable was pulled (or the adapter reset): everything on the link is dropped, the sim keeps running on its
   * own, and the person reads what happened. Idempotent: the link, the robot and a failed job may all report it.
   */
  private linkLost(): void {
    if (!this.link) return;
    this.generation++;
    this.halt();
    const { robot, wizardRun, link, virtual } = this;
    this.robot = null;
    this.wizardRun = null;
    this.dropLink();
    // Nothing awaits these: each never rejects, and a gone port may refuse to close.
    void wizardRun?.close();
    void robot?.disconnect();
    void link.close().catch(() => {});
    virtual?.dispose();
    this.store.set({ status: 'error', source: null, portLabel: '', readings: null, wizard: null, message: UNPLUGGED_MESSAGE, problem: true });
  }

  private dropLink(): void {
    this.offLinkLost?.();
    this.offLinkLost = null;
    this.link = null;
    this.virtual = null;
    this.inFlight = false;
    this.limp = false;
  }

  private fail(message: string): void {
    this.store.set({ status: 'error', message, problem: true });
  }

  private setHand(motion: HandMotion): void {
    if (this.virtual) this.virtual.hand.motion = motion;
  }
}

function defaultSerial(): SerialLike | null {
  const nav = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { serial?: SerialLike });
  return nav?.serial ?? null;
}

/** So101Errors are written for the person; anything else is named without a stack. */
function explain(err: unknown): string {
  if (err instanceof So101Error) return err.message;
  return `Arm error: ${err instanceof Error ? err.message : String(err)}`;
}

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
}

function portChooserMessage(err: unknown): string {
  if (errorName(err) === 'SecurityError') {
    return 'The browser blocked access to serial ports: the page must come from https:// or localhost, outside restricted frames, and serial access must not be disabled in the site settings.';
  }
  return `Could not open the port chooser: ${err instanceof Error ? err.message : String(err)}`;
}

function openFailedMessage(err: unknown): string {
  const name = errorName(err);
  if (name === 'InvalidStateError' || name === 'NetworkError') {
    return 'Could not open the port: another program or tab may be using it (close LeRobot scripts, serial monitors or other tabs), or the adapter was unplugged. Then press Connect again.';
  }
  return `Could not open the port: ${err instanceof Error ? err.message : String(err)}`;
}

/** USB bridge chips seen on SO-101 controller boards, by USB vendor:product id. */
const KNOWN_ADAPTERS: Record<string, string> = {
  '1a86:55d3': 'WCH CH343',
  '1a86:7523': 'WCH CH340',
  '10c4:ea60': 'Silicon Labs CP210x',
  '0403:6001': 'FTDI FT232',
};

export function serialPortLabel(port: SerialPortLike): string {
  const getInfo = (port as { getInfo?: () => { usbVendorId?: number; usbProductId?: number } }).getInfo;
  const info = typeof getInfo === 'function' ? getInfo.call(port) : {};
  if (info.usbVendorId === undefined) return 'Serial port';
  const hex = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
  const key = `${hex(info.usbVendorId)}:${hex(info.usbProductId)}`;
  return `USB serial (${KNOWN_ADAPTERS[key] ?? key})`;
}
