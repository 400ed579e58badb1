/**
 * The emulator's clock: real time plus an offset that tests advance. Expiries and pending
 * resolutions are driven by it (they fire when the clock is advanced, and lazily on every read).
 * Request-signature freshness deliberately uses the real wall clock instead (see signing.ts).
 */
export interface Clock {
  now(): number;
  /** Moves the clock forward; listeners run so due expiries fire at once. */
  advance(ms: number): number;
  onAdvance(listener: () => void): void;
}

export function createClock(realNow: () => number = Date.now): Clock {
  let offsetMs = 0;
  const listeners: (() => void)[] = [];
  return {
    now: () => realNow() + offsetMs,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
      offsetMs += ms;
      for (const listener of listeners) listener();
      return realNow() + offsetMs;
    },
    onAdvance(listener) {
      listeners.push(listener);
    },
  };
}

/** Amazon's timestamp shape: `20220306T074611Z`. */
export function amazonTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
