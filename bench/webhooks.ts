// Webhook handling (§10): throughput and latency of Locate on Postgres against a bare Probot app that only acknowledges, over the same deliveries.
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { Webhooks } from "@octokit/webhooks";
import { startSandbox } from "../src/sandbox/index.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { type PostgresForBench, ServerProcess, USER, appEnv } from "./harness.js";
import { type SectionResult, type Table, type TargetResult, fixed, integer, mark, quantile, seconds } from "./table.js";

export interface PreparedDelivery {
  readonly event: string;
  readonly action: string | undefined;
  readonly body: string;
  readonly signature: string;
}

interface LoadResult {
  readonly sent: number;
  readonly ms: number;
  /** Request to response, per delivery, ascending. */
  readonly latencies: readonly number[];
  /** The same latencies by `event.action`, for finding where the time goes. */
  readonly byEvent: ReadonlyMap<string, number[]>;
  readonly statuses: ReadonlyMap<number, number>;
}

const RECORD_TAGS = 40;
const CONCURRENCY = [1, 32] as const;

/**
 * Records what GitHub sends during real hunts: the sandbox runs `hunts` auto-pilot hunts against the app on parallel
 * issues and keeps every delivery (opened issue, command, the app's own comment edits, each run's requested /
 * in_progress / completed). The hunts stay in the app's database, so replays find their hunt and runs as GitHub's
 * late or repeated deliveries would.
 */
async function recordDeliveries(sb: Sandbox, app: ServerProcess, hunts: number): Promise<PreparedDelivery[]> {
  sb.setWebhookTarget(app.url);
  const issues = await Promise.all(
    Array.from({ length: hunts }, async (_, i) => {
      const issue = await sb.openIssue({ user: USER, title: `Regression ${i + 1}` });
      await sb.postComment({ issue, user: USER, body: `/locate v0.1.0..v0.${RECORD_TAGS}.0 auto` });
      return issue;
    }),
  );
  await sb.waitFor(
    () => issues.every((issue) => sb.listComments(issue).some((c) => c.user === sb.botLogin && c.body.includes("<!-- locate:state:found -->"))),
    { timeoutMs: 120_000, intervalMs: 20, message: "the recorded hunts to be found" },
  );
  await sb.idle();
  // From here on the app's own writes (replies to replayed commands) must not feed more deliveries into the measurement.
  sb.setWebhookTarget(undefined);
  const webhooks = new Webhooks({ secret: sb.env.WEBHOOK_SECRET });
  const delivered = sb.deliveries.filter((d) => d.outcome === "delivered" && !d.duplicate && !d.redelivery);
  return Promise.all(
    delivered.map(async (d) => {
      const body = JSON.stringify(d.payload);
      return { event: d.event, action: d.action, body, signature: await webhooks.sign(body) };
    }),
  );
}

function post(agent: Agent, url: URL, delivery: PreparedDelivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(delivery.body),
          "user-agent": "GitHub-Hookshot/bench",
          "x-github-event": delivery.event,
          // Unique per send: the app applies a delivery id once (§8), so a reused id would measure its dedupe path only.
          "x-github-delivery": randomUUID(),
          "x-github-hook-id": "1",
          "x-hub-signature-256": delivery.signature,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(delivery.body);
  });
}

/** Sends `total` deliveries, cycling through the recording in order, with `concurrency` requests in flight. */
export async function drive(target: string, deliveries: readonly PreparedDelivery[], total: number, concurrency: number, offset = 0): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(target);
  const latencies: number[] = [];
  const byEvent = new Map<string, number[]>();
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= total) return;
      const delivery = deliveries[(offset + index) % deliveries.length] as PreparedDelivery;
      const sentAt = performance.now();
      const status = await post(agent, url, delivery).catch(() => 0);
      const latency = performance.now() - sentAt;
      latencies.push(latency);
      const key = eventKey(delivery);
      byEvent.set(key, [...(byEvent.get(key) ?? []), latency]);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - started;
  agent.destroy();
  for (const list of byEvent.values()) list.sort((a, b) => a - b);
  return { sent: total, ms, latencies: latencies.sort((a, b) => a - b), byEvent, statuses };
}

function eventKey(delivery: PreparedDelivery): string {
  return `${delivery.event}.${delivery.action ?? ""}`;
}

interface Measured {
  readonly server: "locate" | "bare";
  readonly concurrency: number;
  readonly result: LoadResult;
}

function describeStatuses(statuses: ReadonlyMap<number, number>): string {
  return [...statuses.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([status, n]) => `${status === 0 ? "error" : status}×${n}`)
    .join(" ");
}

export async function runWebhookBench(options: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }): Promise<SectionResult> {
  const total = options.quick ? 300 : 1_000;
  const warmup = options.quick ? 30 : 50;
  const sb = await startSandbox({ history: { tags: RECORD_TAGS }, seed: 11, runDuration: { minMs: 20, maxMs: 60 }, permissions: { [USER]: "write" }, validateRequests: false });
  const servers: ServerProcess[] = [];
  try {
    const databaseUrl = await options.pg.newDatabase("webhooks");
    const env = appEnv(sb.env, 0, { databaseUrl });
    const locate = await ServerProcess.start({ kind: "start", app: "locate", env, privateKey: sb.env.PRIVATE_KEY });
    servers.push(locate);
    const bare = await ServerProcess.start({ kind: "start", app: "bare", env, privateKey: sb.env.PRIVATE_KEY });
    servers.push(bare);
    const deliveries = await recordDeliveries(sb, locate, options.quick ? 2 : 4);
    const mix = new Map<string, number>();
    for (const d of deliveries) mix.set(eventKey(d), (mix.get(eventKey(d)) ?? 0) + 1);
    options.log(`  recorded ${deliveries.length} deliveries: ${[...mix.entries()].map(([k, v]) => `${k} ${v}`).join(", ")}`);

    const measured: Measured[] = [];
    // Interleaved, so load from anything else on the machine falls on both servers alike.
    for (const concurrency of CONCURRENCY) {
      for (const [name, server] of [["locate", locate], ["bare", bare]] as const) {
        await drive(server.url, deliveries, warmup, concurrency);
        const result = await drive(server.url, deliveries, total, concurrency, warmup);
        measured.push({ server: name, concurrency, result });
        options.log(`  ${name} c=${concurrency}: ${fixed(total / (result.ms / 1000), 0)}/s in ${seconds(result.ms)}`);
      }
    }

    const targets: TargetResult[] = [];
    const rows = measured.map((m) => {
      const rate = m.result.sent / (m.result.ms / 1000);
      const bareRun = measured.find((o) => o.server === "bare" && o.concurrency === m.concurrency) as Measured;
      const bareRate = bareRun.result.sent / (bareRun.result.ms / 1000);
      const ratio = rate / bareRate;
      let verdict = "";
      if (m.server === "locate") {
        const met = ratio >= 0.5;
        verdict = mark(met);
        targets.push({ target: `webhooks c=${m.concurrency}: Locate throughput ≥ 50 % of bare Probot`, measured: `${fixed(ratio * 100, 1)} % (${fixed(rate, 0)}/s vs ${fixed(bareRate, 0)}/s)`, met });
      }
      return [
        m.server === "locate" ? "Locate (Postgres)" : "bare Probot",
        String(m.concurrency),
        integer(m.result.sent),
        fixed(rate, 0),
        fixed(quantile(m.result.latencies, 0.5), 1),
        fixed(quantile(m.result.latencies, 0.99), 1),
        fixed(ratio, 3),
        describeStatuses(m.result.statuses),
        verdict,
      ];
    });
    const table: Table = {
      title: "3. Webhook handling: Locate against a bare Probot app, same deliveries",
      head: ["server", "concurrency", "deliveries", "per second", "p50 ms", "p99 ms", "÷ bare", "HTTP status", "≥ 50 %"],
      rows,
      notes: [
        `Deliveries recorded from ${options.quick ? 2 : 4} auto-pilot hunts on a ${RECORD_TAGS}-tag sandbox repository (${deliveries.length} deliveries: ${[...mix.entries()].map(([k, v]) => `${k} ${v}`).join(", ")}), replayed in order, signed with the app's secret, each with a new X-GitHub-Delivery id; ${warmup} warm-up deliveries first.`,
        "Each server runs in its own process; latency is from sending the request to the end of the response, which Probot sends once every handler has finished. The bare app is Probot's Server with handlers that return at once.",
        "Locate does its real work on each: the delivery check and record in Postgres, the hunt and run lookups, the per-hunt queue, the comment render (no edit when unchanged); a replayed command starts a new hunt once, then is answered that one is already running.",
      ],
    };
    // Where Locate's time goes: the same run, one request at a time, split by kind of delivery.
    const serial = (server: "locate" | "bare") => (measured.find((m) => m.server === server && m.concurrency === 1) as Measured).result;
    const breakdown: Table = {
      title: "3b. Latency by kind of delivery at concurrency 1 (ms)",
      head: ["delivery", "share", "Locate p50", "Locate p99", "bare p50", "Locate time share"],
      rows: [...serial("locate").byEvent.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([key, list]) => {
          const bareList = serial("bare").byEvent.get(key) ?? [];
          const spent = list.reduce((sum, ms) => sum + ms, 0);
          const all = serial("locate").latencies.reduce((sum, ms) => sum + ms, 0);
          return [key, fixed((list.length / total) * 100, 1) + " %", fixed(quantile(list, 0.5), 1), fixed(quantile(list, 0.99), 1), fixed(quantile(bareList, 0.5), 1), fixed((spent / all) * 100, 1) + " %"];
        }),
    };
    return { tables: [table, breakdown], targets };
  } finally {
    for (const server of servers) await server.stop();
    await sb.close();
  }
}
