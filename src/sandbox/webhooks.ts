// Webhook delivery like GitHub's Hookshot: signed POSTs, in order per source, asynchronous, with optional chaos (drop, duplicate, shuffle).
import { createHmac, randomUUID } from "node:crypto";
import type { Prng } from "./prng.js";
import type { DeliveryLogEntry } from "./types.js";

export interface Chaos {
  /** Chance a delivery is sent a second time with the same X-GitHub-Delivery. */
  duplicateRate: number;
  /** Chance a delivery is never sent (logged with outcome "dropped"). */
  dropRate: number;
  /** When > 0, each delivery waits a random 0..window ms and per-source order is no longer kept. */
  shuffleWindowMs: number;
}

export interface DelivererOptions {
  secret: string;
  appId: string;
  hookId: number;
  rand: Prng;
  chaos: Chaos;
  onDelivered?: (entry: DeliveryLogEntry) => void;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export class Deliverer {
  target: string | undefined;
  readonly log: DeliveryLogEntry[] = [];
  readonly chaos: Chaos;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: DelivererOptions) {
    this.chaos = { ...options.chaos };
  }

  /** Queues one event; returns its log entry at once (the caller never waits for the app). */
  enqueue(source: string, event: string, payload: Record<string, unknown>): DeliveryLogEntry {
    const entry = this.entry(randomUUID(), source, event, payload, {});
    const { rand } = this.options;
    if (rand.chance(this.chaos.dropRate)) {
      entry.outcome = "dropped";
      return entry;
    }
    const duplicate = rand.chance(this.chaos.duplicateRate);
    if (this.chaos.shuffleWindowMs > 0) {
      this.later(rand.int(0, this.chaos.shuffleWindowMs), () => this.send(entry));
    } else {
      // Chain per source so e.g. a run's requested → in_progress → completed arrive in that order.
      const previous = this.chains.get(source) ?? Promise.resolve();
      const next = previous.then(() => this.send(entry));
      this.chains.set(source, next);
      void next.then(() => {
        if (this.chains.get(source) === next) this.chains.delete(source);
      });
    }
    if (duplicate) {
      const copy = this.entry(entry.id, source, event, payload, { duplicate: true });
      this.later(rand.int(0, Math.max(5, this.chaos.shuffleWindowMs)), () => this.send(copy));
    }
    return entry;
  }

  /** Sends a past delivery again with the same id, as "Redeliver" in GitHub's UI does. */
  redeliver(id: string): DeliveryLogEntry {
    const original = this.log.find((e) => e.id === id);
    if (!original) throw new Error(`no delivery with id ${id}`);
    const copy = this.entry(original.id, original.source, original.event, original.payload, { redelivery: true });
    this.track(this.send(copy));
    return copy;
  }

  /** Whether anything is queued or in flight right now (timers for shuffled or duplicated sends included). */
  get busy(): boolean {
    return this.inFlight.size > 0 || this.timers.size > 0 || this.chains.size > 0;
  }

  /** Resolves when nothing is queued or in flight (timers for shuffled or duplicated sends included). */
  async idle(): Promise<void> {
    while (this.busy) {
      await Promise.all([...this.inFlight, ...this.chains.values()]);
      if (this.timers.size > 0) await new Promise((r) => setTimeout(r, 2));
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private entry(id: string, source: string, event: string, payload: Record<string, unknown>, flags: Partial<DeliveryLogEntry>): DeliveryLogEntry {
    const action = typeof payload.action === "string" ? payload.action : undefined;
    const entry: DeliveryLogEntry = { id, event, action, source, status: null, outcome: "pending", ms: 0, payload, ...flags };
    this.log.push(entry);
    return entry;
  }

  private later(ms: number, fn: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(fn());
    }, ms);
    this.timers.add(timer);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async send(entry: DeliveryLogEntry): Promise<void> {
    if (this.closed) {
      entry.outcome = "failed";
      entry.error = "sandbox closed";
      return;
    }
    const target = this.target;
    if (!target) {
      entry.outcome = "failed";
      entry.error = "no webhook target set (call setWebhookTarget)";
      return;
    }
    const body = JSON.stringify(entry.payload);
    const started = performance.now();
    try {
      const response = await fetch(target, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/sandbox",
          "x-github-event": entry.event,
          "x-github-delivery": entry.id,
          "x-github-hook-id": String(this.options.hookId),
          "x-github-hook-installation-target-type": "integration",
          "x-github-hook-installation-target-id": this.options.appId,
          "x-hub-signature-256": signature(this.options.secret, body),
        },
        // GitHub gives up after 10 s and records a timeout.
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      entry.status = response.status;
      entry.outcome = response.ok ? "delivered" : "failed";
    } catch (error) {
      entry.outcome = "failed";
      entry.error = error instanceof Error ? error.message : String(error);
    } finally {
      entry.ms = Math.round(performance.now() - started);
      this.options.onDelivered?.(entry);
    }
  }
}
