import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Emulator } from '../../emulator/app.js';

/** A time-skipping environment and the emulator its workflows talk to (an order harness, or a test API). */
export type Clocks =
  { env: TestWorkflowEnvironment; emu: { emulator: Emulator } } | { env: TestWorkflowEnvironment; emulator: Emulator };

/**
 * Lets `duration` pass for Amazon and for the order workflows together: the emulator's clock first
 * (so Amazon has expired or decided what it would have by then), then Temporal's skipped time (the
 * workflows' timers fire).
 */
export async function passTime(clocks: Clocks, duration: Duration): Promise<void> {
  const emulator = 'emu' in clocks ? clocks.emu.emulator : clocks.emulator;
  emulator.advance(msToNumber(duration));
  await clocks.env.sleep(duration);
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
