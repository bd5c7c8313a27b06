// What every handler shares: the store and the per-hunt queue, plus the error boundary around each delivery.
import type { Context } from "probot";
import type { Store } from "../db/client.js";
import { claimDelivery, finishDelivery, isDeliveryDone, releaseDelivery, takeOverDelivery } from "../db/queries/deliveries.js";
import { enqueueWrite } from "../db/queries/writes.js";
import type { GitHub } from "../github/client.js";
import type { HuntDeps } from "../hunt/engine.js";
import type { HuntQueue } from "../hunt/queue.js";
import { INTERNAL_ERROR_REPLY } from "../hunt/replies.js";
import { deliveryBindings } from "../observability/logging.js";
import { metrics } from "../observability/metrics.js";
import { writesEnqueued } from "../outbox/settings.js";

export interface Runtime {
  readonly store: Store;
  readonly queue: HuntQueue;
}

export function depsOf(runtime: Runtime, context: Context): HuntDeps {
  return { store: runtime.store, queue: runtime.queue, gh: context.octokit as GitHub, log: context.log };
}

/** How long a redelivery waits for another handler of the same delivery before assuming that handler died. */
const CLAIM_WAIT_MS = 8_000;

/**
 * A delivery claimed by another handler: wait for it to finish (a duplicate sent to two replicas at once), and
 * take it over if it does not finish in time (GitHub's redelivery after the first handler's process died).
 * Handlers are idempotent, so the rare slow-but-alive first handler costs at most a repeated reply.
 */
async function takeOverUnfinished(db: Store["db"], id: string, event: string): Promise<boolean> {
  for (let waited = 0; waited < CLAIM_WAIT_MS; waited += 250) {
    if (await isDeliveryDone(db, id)) return false;
    // The other handler failed and released its claim: this one may try.
    if (await claimDelivery(db, id, event)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return !(await isDeliveryDone(db, id)) && (await takeOverDelivery(db, id));
}

/**
 * Runs a handler once per delivery id (§8), and turns an unexpected failure into a log line with context and
 * a short note on the issue: never a stack trace for the user, never a crash of the process.
 */
export function guarded<C extends Context>(runtime: Runtime, concernsLocate: (payload: C["payload"]) => boolean, handler: (context: C) => Promise<void>) {
  return async (context: C): Promise<void> => {
    // Most deliveries of an installation are not Locate's: they are counted and left before any query.
    if (!concernsLocate(context.payload)) return metrics.countIgnored(context);
    const delivery = metrics.startDelivery(context);
    // Every line a handler logs carries the delivery, installation and repository; each delivery is counted and timed.
    context.log = context.log.child(deliveryBindings(context));
    const { db } = runtime.store;
    if (!(await claimDelivery(db, context.id, context.name)) && !(await takeOverUnfinished(db, context.id, context.name))) {
      context.log.info("delivery already handled; ignoring the redelivery");
      delivery.end("duplicate");
      return;
    }
    try {
      await handler(context);
      await finishDelivery(db, context.id);
      delivery.end("handled");
      // This process's scheduler takes the writes the delivery stored (now committed) at once.
      writesEnqueued.dispatchEvent(new Event("enqueued"));
    } catch (error) {
      delivery.end("failed");
      await releaseDelivery(db, context.id).catch((releaseError: unknown) => context.log.error({ err: releaseError }, "could not release the delivery claim"));
      context.log.error({ err: error, event: context.name }, "handler failed");
      const payload = context.payload as { installation?: { id: number }; issue?: { number: number }; repository?: { owner: { login: string }; name: string } };
      if (payload.installation && payload.issue && payload.repository) {
        const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
        await enqueueWrite(db, { installationId: payload.installation.id, request: { kind: "reply", repo, issueNumber: payload.issue.number, body: INTERNAL_ERROR_REPLY } }).catch(
          (replyError: unknown) => context.log.error({ err: replyError }, "could not schedule the internal-error note"),
        );
      }
    }
  };
}
