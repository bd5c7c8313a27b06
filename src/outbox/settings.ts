// How the write scheduler paces GitHub writes; set once at start-up (src/main.ts), read by the use cases that
// schedule comment edits. Module-level like the metrics: a process runs one Locate.

export interface OutboxSettings {
  /** Minimum time between two writes of one installation, across replicas (GitHub asks for 1 s). */
  readonly writeIntervalMs: number;
  /** How long a progress edit (a verdict mid-round) may wait for a more telling change before it is written anyway. */
  readonly progressDelayMs: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = { writeIntervalMs: 1000, progressDelayMs: 60_000 };

let current: OutboxSettings = DEFAULT_OUTBOX_SETTINGS;

export function configureOutbox(settings: Partial<OutboxSettings>): void {
  current = { ...DEFAULT_OUTBOX_SETTINGS, ...settings };
}

export function outboxSettings(): OutboxSettings {
  return current;
}

/**
 * Fired once a delivery's writes are committed, so this process's scheduler takes them at once instead of at its next
 * look (at most a second later); the scheduler wakes itself after each write it makes.
 */
export const writesEnqueued = new EventTarget();
