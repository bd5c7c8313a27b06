// Per-hunt serialization (§8): one queue per hunt in this process, and the store's lock across processes.
import PQueue from "p-queue";
import type { Store } from "../db/client.js";

export class HuntQueue {
  readonly #queues = new Map<number, PQueue>();

  constructor(private readonly store: Store) {}

  /** Runs fn after every earlier task of the same hunt, holding the hunt's cross-process lock while it runs. */
  async run<T>(huntId: number, fn: () => Promise<T>): Promise<T> {
    const queue = this.#queues.get(huntId) ?? this.#createQueue(huntId);
    return queue.add(() => this.store.withHuntLock(huntId, fn)) as Promise<T>;
  }

  #createQueue(huntId: number): PQueue {
    const queue = new PQueue({ concurrency: 1 });
    this.#queues.set(huntId, queue);
    // Idle queues are dropped so memory follows the hunts in flight, not every hunt ever seen.
    // p-queue 10 is an EventTarget (no more EventEmitter `on`).
    queue.addEventListener("idle", () => {
      if (this.#queues.get(huntId) === queue && queue.size === 0 && queue.pending === 0) this.#queues.delete(huntId);
    });
    return queue;
  }

  /** Resolves when every queued task has finished (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.onIdle()));
  }
}
