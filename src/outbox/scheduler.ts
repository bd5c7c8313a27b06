// The write scheduler (issue 13): the one way Locate's writes reach GitHub. Every replica runs one; through the
// database they share the outbox and each installation's pace (src/db/queries/writes.ts), so an installation sees
// one write at a time, at least the write interval apart, most urgent first, whichever replica makes it.
import type { Logger } from "pino";
import type { Store } from "../db/client.js";
import { claimNextWrite, finishWrite, nextWriteAt, releaseInstallation, renewClaim, retryWrite } from "../db/queries/writes.js";
import type { GitHubWriteRow } from "../db/schema.js";
import { type GitHub, githubMessage, httpStatus } from "../github/client.js";
import type { HuntQueue } from "../hunt/queue.js";
import { withLogContext } from "../observability/logging.js";
import { abandonWrite, performWrite } from "./perform.js";
import { outboxSettings, writesEnqueued } from "./settings.js";

export interface SchedulerDeps {
  readonly store: Store;
  readonly queue: HuntQueue;
  readonly log: Logger;
  /** An Octokit authenticated as the installation. */
  readonly authFor: (installationId: number) => Promise<GitHub>;
  /** Installations written to at once by this replica (each still one write at a time). */
  readonly concurrency?: number;
}

/**
 * A claim lasts this long unless its scheduler renews it (every HEARTBEAT_MS while the write is being made): a
 * replica that died mid-write holds its write and its installation for at most this long.
 */
const LEASE_MS = 10_000;
const HEARTBEAT_MS = 2_000;
/** Another replica may have stored writes this one has not heard of: look at least this often. */
const MAX_SLEEP_MS = 1_000;
const MAX_ATTEMPTS = 6;
/** GitHub's advice for a secondary rate limit without retry-after: wait at least a minute. */
const DEFAULT_SLOWDOWN_MS = 60_000;

/**
 * How long GitHub asks the whole installation to wait, or null when the failure is not a rate limit: 403/429 with
 * `retry-after`, an exhausted primary limit (`x-ratelimit-remaining: 0` until `x-ratelimit-reset`), or a
 * secondary-rate-limit message.
 */
export function rateLimitWaitMs(error: unknown, now = Date.now()): number | null {
  const status = httpStatus(error);
  if (status !== 403 && status !== 429) return null;
  const headers = (error as { response?: { headers?: Record<string, string | number | undefined> } }).response?.headers ?? {};
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  if (String(headers["x-ratelimit-remaining"]) === "0") {
    const reset = Number(headers["x-ratelimit-reset"]);
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : DEFAULT_SLOWDOWN_MS;
  }
  if (status === 429 || /secondary rate limit|abuse/i.test(githubMessage(error))) return DEFAULT_SLOWDOWN_MS;
  return null;
}

/** 4xx answers other than rate limits will not change on a retry; 5xx and network failures may. */
function isPermanent(error: unknown): boolean {
  const status = httpStatus(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 408;
}

export class WriteScheduler {
  readonly #deps: SchedulerDeps;
  readonly #inFlight = new Set<Promise<void>>();
  #running: Promise<void> | null = null;
  #stopped = false;
  #wake: (() => void) | null = null;
  readonly #onEnqueued = () => this.wake();

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.#running) return;
    this.#stopped = false;
    writesEnqueued.addEventListener("enqueued", this.#onEnqueued);
    this.#running = this.#loop();
  }

  /** Stops claiming; resolves once the writes in flight are done (their rows are finished or released). */
  async stop(): Promise<void> {
    this.#stopped = true;
    writesEnqueued.removeEventListener("enqueued", this.#onEnqueued);
    this.wake();
    await this.#running;
    this.#running = null;
    await Promise.all(this.#inFlight);
  }

  wake(): void {
    const wake = this.#wake;
    this.#wake = null;
    // Woken while it was claiming rather than sleeping: its next sleep is skipped, so the wake-up is not lost.
    this.#woken = wake === null;
    wake?.();
  }

  #woken = false;

  /**
   * Makes every write that can be made, one at a time, until none is left; with `ignoreDelays` also the ones that
   * wait for their due time or the installation's pace. For tests and tools that need the writes done now.
   */
  async drain(options: { ignoreDelays?: boolean } = {}): Promise<number> {
    let made = 0;
    for (;;) {
      const write = await claimNextWrite(this.#deps.store.db, { intervalMs: this.#interval(), leaseMs: LEASE_MS, ignoreDelays: options.ignoreDelays ?? true });
      if (!write) return made;
      await this.#perform(write);
      made++;
    }
  }

  #interval(): number {
    return outboxSettings().writeIntervalMs;
  }

  async #loop(): Promise<void> {
    const concurrency = this.#deps.concurrency ?? 4;
    while (!this.#stopped) {
      try {
        while (!this.#stopped && this.#inFlight.size < concurrency) {
          const write = await claimNextWrite(this.#deps.store.db, { intervalMs: this.#interval(), leaseMs: LEASE_MS });
          if (!write) break;
          const task = this.#perform(write).finally(() => {
            this.#inFlight.delete(task);
            this.wake();
          });
          this.#inFlight.add(task);
        }
        if (this.#stopped) break;
        await this.#sleep(await this.#sleepMs());
      } catch (error) {
        this.#deps.log.error({ err: error }, "write scheduler: claiming failed; trying again shortly");
        await this.#sleep(MAX_SLEEP_MS);
      }
    }
  }

  async #sleepMs(): Promise<number> {
    const next = await nextWriteAt(this.#deps.store.db);
    if (next === null) return MAX_SLEEP_MS;
    return Math.min(MAX_SLEEP_MS, Math.max(5, next.getTime() - Date.now()));
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  /** Makes one claimed write and settles its row and its installation's pace, whatever happens. */
  async #perform(write: GitHubWriteRow): Promise<void> {
    const { store } = this.#deps;
    const log = this.#deps.log.child({ writeId: write.id, kind: write.request.kind, installationId: write.installationId, ...(write.huntId ? { huntId: write.huntId } : {}) });
    let wrote = false;
    let slowUntil: Date | undefined;
    const heartbeat = setInterval(() => {
      renewClaim(store.db, write, LEASE_MS).catch((error: unknown) => log.warn({ err: error }, "could not renew the write's claim"));
    }, HEARTBEAT_MS);
    try {
      const gh = await this.#deps.authFor(write.installationId);
      // Octokit's request lines carry the hunt, like the use case's own lines.
      wrote = await withLogContext(write.huntId ? { huntId: write.huntId } : {}, () => performWrite({ store, queue: this.#deps.queue, gh, log }, write));
      await finishWrite(store.db, write);
    } catch (error) {
      wrote = httpStatus(error) !== undefined;
      const waitMs = rateLimitWaitMs(error);
      try {
        if (waitMs !== null) {
          // GitHub asked the installation to slow down: every write of it waits, not only this one.
          slowUntil = new Date(Date.now() + waitMs);
          log.warn({ status: httpStatus(error), waitMs }, "GitHub rate limit: the installation's writes wait");
          await retryWrite(store.db, write.id, waitMs, githubMessage(error), false);
        } else if (isPermanent(error) || write.attempts >= MAX_ATTEMPTS) {
          await abandonWrite({ store, log }, write, error);
          await finishWrite(store.db, { id: write.id, revision: write.revision });
        } else {
          const delayMs = Math.min(300_000, 1000 * 2 ** write.attempts);
          log.warn({ err: error, attempt: write.attempts, delayMs }, "GitHub write failed; trying again");
          await retryWrite(store.db, write.id, delayMs, githubMessage(error));
        }
      } catch (settleError) {
        // The claim runs out and another pass takes the write again.
        log.error({ err: settleError }, "could not record the outcome of a GitHub write");
      }
    } finally {
      clearInterval(heartbeat);
      await releaseInstallation(store.db, write.installationId, { wrote, intervalMs: this.#interval(), ...(slowUntil ? { slowUntil } : {}) }).catch((error: unknown) =>
        log.error({ err: error }, "could not release the installation's write slot; it frees itself when the claim runs out"),
      );
    }
  }
}
