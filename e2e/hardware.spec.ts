import { expect, type Page, test } from '@playwright/test';
import { calibrationToJson } from '../src/hardware/calibration';
import { TEST_CALIBRATION } from '../src/hardware/so101Fixtures';
import { SO101_MOTOR_NAMES } from '../src/hardware/so101Motors';
import { type FakeSerialControl, installFakeSerial } from './fakeSerial';
import { collectErrors } from './helpers';

/** Shaft positions at the middle of each joint's travel for the arm TEST_CALIBRATION describes. */
const MID_SHAFTS = SO101_MOTOR_NAMES.map((m) => {
  const c = TEST_CALIBRATION[m];
  return (((c.range_min + c.range_max) / 2 + c.homing_offset) % 4096 + 4096) % 4096;
});
/** Present positions (calibrated frame) at the middle of each range: 0° for the body joints. */
const MID_PRESENT = SO101_MOTOR_NAMES.map((m) => Math.round((TEST_CALIBRATION[m].range_min + TEST_CALIBRATION[m].range_max) / 2));

async function fakeSerial<T>(page: Page, fn: (c: FakeSerialControl) => T): Promise<T> {
  return page.evaluate(`(${fn.toString()})(window.__fakeSerial)`) as Promise<T>;
}

async function numbers(page: Page, prefix: 'hw-real' | 'hw-sim'): Promise<number[]> {
  return (await readings(page))[prefix === 'hw-real' ? 'real' : 'sim'];
}

/** Both rows in one read of the page, so the two arms are compared at the same instant. */
async function readings(page: Page): Promise<{ real: number[]; sim: number[] }> {
  return page.evaluate(`(() => {
    const row = (p) => [0, 1, 2, 3, 4, 5].map((i) => Number(document.querySelector('[data-testid="' + p + '-' + i + '"]')?.textContent));
    return { real: row('hw-real'), sim: row('hw-sim') };
  })()`) as Promise<{ real: number[]; sim: number[] }>;
}

/** Largest gap between the real and the sim arm over the five body joints. */
async function realSimGap(page: Page): Promise<number> {
  const { real, sim } = await readings(page);
  return Math.max(...real.slice(0, 5).map((v, i) => Math.abs(v - sim[i])));
}

/** The most ticks by which a joint's range recorded by the wizard falls short of its travel on the arm (TEST_CALIBRATION). */
async function rangeShortfall(page: Page): Promise<number> {
  const titles = await page.locator('.wizard-range .bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('title') ?? ''));
  return Math.max(
    ...SO101_MOTOR_NAMES.map((m, i) => {
      const got = /^(-?\d+)…(-?\d+) ticks$/.exec(titles[i] ?? '');
      const travel = TEST_CALIBRATION[m].range_max - TEST_CALIBRATION[m].range_min;
      return got ? travel - (Number(got[2]) - Number(got[1])) : travel;
    }),
  );
}

async function elapsed(page: Page): Promise<number> {
  return Number.parseFloat((await page.locator('.status .elapsed').textContent()) ?? '0');
}

test.describe('real arm over Web Serial (fake navigator.serial speaking the Feetech protocol)', () => {
  test.beforeEach(async ({ page }) => {
    await page.addInitScript(installFakeSerial, { shafts: MID_SHAFTS, ticksPerSecond: 2400 });
  });

  test('connect, import a calibration, mirror, sim drives real, stop (button and Escape), cable pulled, reconnect', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('/');
    await expect(page.getByTestId('status-text')).toHaveText('Idle');
    await expect(page.getByTestId('hw-stop')).toHaveAttribute('title', /holds the real arm where it is/);

    // Connect: the port opens, but this browser has no calibration yet.
    await page.getByTestId('hw-connect').click();
    await expect(page.getByTestId('hw-status')).toHaveText('Needs calibration');
    await expect(page.getByTestId('hw-message')).toContainText('import a LeRobot calibration file or run the calibration wizard');

    // Import LeRobot's JSON: the motors get it, torque goes on without a jump.
    await page.getByTestId('hw-import').setInputFiles({ name: 'so101_follower.json', mimeType: 'application/json', buffer: Buffer.from(calibrationToJson(TEST_CALIBRATION)) });
    await expect(page.getByTestId('hw-status')).toHaveText('Connected');
    await expect(page.getByTestId('hw-calibration')).toHaveText('Calibration: imported from so101_follower.json');
    expect(await fakeSerial(page, (c) => c.torque())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await fakeSerial(page, (c) => c.present())).toEqual(MID_PRESENT);
    await expect.poll(async () => Math.max(...(await numbers(page, 'hw-real')).slice(0, 5).map(Math.abs))).toBeLessThan(0.05);

    // Mirror: torque off, the person turns the pan 300 ticks (26.4°), the sim arm follows.
    await expect(page.getByTestId('hw-mode')).toHaveValue('mirror');
    await page.getByTestId('hw-start').click();
    await expect.poll(() => fakeSerial(page, (c) => c.torque())).toEqual([0, 0, 0, 0, 0, 0]);
    await page.evaluate(`window.__fakeSerial.turn(1, ${MID_PRESENT[0] + 300})`);
    await expect.poll(async () => (await numbers(page, 'hw-real'))[0]).toBeCloseTo((300 * 360) / 4095, 1);
    await expect.poll(async () => (await numbers(page, 'hw-sim'))[0]).toBeGreaterThan(25);

    // Sim drives real: the expert moves the sim arm; the fake real arm's motors follow it.
    await page.getByTestId('hw-mode').selectOption('sim-drives-real');
    const before = await fakeSerial(page, (c) => c.present());
    await page.getByTestId('expert').click();
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    await expect.poll(async () => {
      const now = await fakeSerial(page, (c) => c.present());
      return Math.max(...now.slice(1, 4).map((v, i) => Math.abs(v - before[i + 1])));
    }).toBeGreaterThan(100);
    expect(await fakeSerial(page, (c) => c.torque())).toEqual([1, 1, 1, 1, 1, 1]);
    // The panel's own Stop halts the sim only: the real arm, still following, settles on the sim arm's pose.
    // (During the run it trails: it may not exceed 90°/s, and a slow frame here takes several ticks, one bus job.)
    await page.getByTestId('stop').click();
    await expect.poll(() => realSimGap(page)).toBeLessThan(1.5);

    // The big red button: the sim's driver stops and the real arm holds where it is.
    await page.getByTestId('expert').click();
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    await page.waitForTimeout(500);
    await page.getByTestId('hw-stop').click();
    await expect(page.getByTestId('status-text')).toHaveText('Stopped');
    await expect(page.getByTestId('hw-message')).toContainText('The real arm holds where it is');
    const held = await fakeSerial(page, (c) => c.present());
    expect(await fakeSerial(page, (c) => c.goals())).toEqual(held);
    await page.waitForTimeout(400);
    expect(await fakeSerial(page, (c) => c.present())).toEqual(held);

    // Escape does the same, but not while typing in a field.
    await page.getByTestId('hw-start').click();
    await page.getByTestId('expert').click();
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    await page.getByTestId('instruction').press('Escape');
    await page.waitForTimeout(200);
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    await page.getByTestId('viewer').click();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('status-text')).toHaveText('Stopped');
    await expect(page.getByTestId('hw-start')).toBeEnabled();
    const still = await fakeSerial(page, (c) => c.present());
    await page.waitForTimeout(300);
    expect(await fakeSerial(page, (c) => c.present())).toEqual(still);

    // The cable comes out mid-motion: a readable message, the sim runs on, nothing in the console.
    await page.getByTestId('hw-start').click();
    await page.getByTestId('expert').click();
    await expect.poll(async () => (await fakeSerial(page, (c) => c.goals())).join()).not.toBe(still.join());
    await page.evaluate('window.__fakeSerial.pull()');
    await expect(page.getByTestId('hw-message')).toContainText('The arm is disconnected: ');
    await expect(page.getByTestId('hw-status')).toHaveText('Problem');
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    const t0 = await elapsed(page);
    await expect.poll(() => elapsed(page)).toBeGreaterThan(t0 + 0.5);

    // Plugged back in: the saved calibration is used without asking.
    await page.getByTestId('hw-connect').click();
    await expect(page.getByTestId('hw-status')).toHaveText('Connected');
    expect(await fakeSerial(page, (c) => c.ports)).toBe(2);
    await page.getByTestId('hw-disconnect').click();
    await expect(page.getByTestId('hw-status')).toHaveText('Not connected');
    expect(await fakeSerial(page, (c) => c.torque())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(errors).toEqual([]);
  });

  test('the virtual arm: calibration wizard, mirror with the simulated hand, sim drives real, export, cable pulled', async ({ page }) => {
    // The whole flow in one test: on a loaded 2-core machine (measured with two datagen processes beside it) it
    // runs past the default 2 minutes with every step passing, so it gets the longer budget.
    test.slow();
    const errors = collectErrors(page);
    await page.goto('/');
    await page.getByTestId('hw-virtual').click();
    await expect(page.getByTestId('hw-status')).toHaveText('Needs calibration');

    await page.getByTestId('hw-wizard').click();
    await expect(page.getByTestId('wizard-prompt')).toContainText('Move every joint to the middle of its range');
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('wizard-prompt')).toContainText('through its whole range');
    // The simulated hand sweeps every joint end to end and back in ~4 s; until each has travelled, the wizard lists what is missing.
    await expect(page.getByTestId('wizard-problems')).toBeHidden({ timeout: 15_000 });
    // Finish only once every recorded range reaches both ends of the arm's travel (within 1°): a range cut short
    // (seen in CI) clamps the real arm inside poses the sim can take, and it never matches them.
    await expect.poll(() => rangeShortfall(page), { timeout: 30_000 }).toBeLessThan(12);
    await expect(page.getByTestId('wizard')).toContainText('shoulder_pan');
    await page.getByTestId('wizard-finish').click();
    await expect(page.getByTestId('hw-status')).toHaveText('Connected');
    await expect(page.getByTestId('hw-calibration')).toHaveText('Calibration: from the calibration wizard');

    const download = page.waitForEvent('download');
    await page.getByTestId('hw-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('so101_follower.json');

    // Mirror: the hand moves the limp virtual arm; the readings change and the sim arm follows.
    await page.getByTestId('hw-start').click();
    const first = await numbers(page, 'hw-real');
    const simFirst = await numbers(page, 'hw-sim');
    await expect.poll(async () => Math.abs((await numbers(page, 'hw-real'))[0] - first[0])).toBeGreaterThan(3);
    await expect.poll(async () => Math.abs((await numbers(page, 'hw-sim'))[0] - simFirst[0])).toBeGreaterThan(3);
    // The hand keeps moving (10–15°/s) and the two readings are taken a frame apart; with CPU-rendered frames of
    // up to half a second the sim trails by several degrees, so the bound is loose; it still fails if the sim
    // does not follow (the hand wanders tens of degrees).
    await expect.poll(() => realSimGap(page)).toBeLessThan(12);

    await page.getByTestId('hw-mode').selectOption('sim-drives-real');
    await page.getByTestId('expert').click();
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    await page.waitForTimeout(1500);
    await page.getByTestId('stop').click();
    await expect.poll(() => realSimGap(page)).toBeLessThan(1.5);
    await page.getByTestId('expert').click();

    await page.getByTestId('hw-unplug').click();
    await expect(page.getByTestId('hw-message')).toContainText('The arm is disconnected: ');
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    expect(errors).toEqual([]);
  });
});

test('without Web Serial the panel says which browsers have it', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'serial', { value: undefined, configurable: true });
  });
  const errors = collectErrors(page);
  await page.goto('/');
  await expect(page.getByTestId('hw-message')).toContainText('Web Serial needs Chrome or Edge on a desktop');
  await page.getByTestId('hw-connect').click();
  await expect(page.getByTestId('hw-status')).toHaveText('Problem');
  await expect(page.getByTestId('hw-virtual')).toBeEnabled();
  expect(errors).toEqual([]);
});
