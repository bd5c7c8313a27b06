// The metrics registry (src/observability/metrics.ts): names, labels, counting rules and the Prometheus text format.
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/db/client.js";
import type { RunObservation } from "../../src/db/queries/runs.js";
import { LocateMetrics, eventLabel, githubRequestMetrics, markIgnored, metrics, metricsHandler } from "../../src/observability/metrics.js";

const LOCATE_METRICS = [
  "locate_webhooks_total",
  "locate_handler_seconds",
  "locate_hunts",
  "locate_runs_dispatched_total",
  "locate_verdicts_total",
  "locate_github_requests_total",
  "locate_reconciler_passes_total",
  "locate_reconciler_changes_total",
];

/** `name{labels} value` lines of an exposition, as a map from the series to its value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const observation = (fields: Partial<RunObservation> = {}): RunObservation => ({
  runId: 1,
  attempt: 1,
  status: "completed",
  verdict: "good",
  conclusion: "success",
  url: null,
  ...fields,
});

/** A Store whose only use here is the `select state, count(*) … group by state` of the hunts gauge. */
function fakeStore(rows: { state: string; count: number }[] | Error): Store {
  const chain = {
    from: () => chain,
    groupBy: () => (rows instanceof Error ? Promise.reject(rows) : Promise.resolve(rows)),
  };
  return { db: { select: () => chain } } as unknown as Store;
}

describe("registry", () => {
  it("keeps its metrics out of prom-client's global registry, and two instances apart", async () => {
    const a = new LocateMetrics({ defaultMetrics: false });
    const b = new LocateMetrics({ defaultMetrics: false });
    a.countDispatch();
    expect(samples(await a.render()).get("locate_runs_dispatched_total")).toBe(1);
    expect(samples(await b.render()).get("locate_runs_dispatched_total")).toBe(0);
    expect(await globalRegistry.getSingleMetric("locate_runs_dispatched_total")).toBeUndefined();
  });

  it("exposes every Locate metric with HELP and TYPE lines, and the default process metrics", async () => {
    const m = new LocateMetrics();
    const text = await m.render();
    const types: Record<string, string> = {
      locate_webhooks_total: "counter",
      locate_handler_seconds: "histogram",
      locate_hunts: "gauge",
      locate_runs_dispatched_total: "counter",
      locate_verdicts_total: "counter",
      locate_github_requests_total: "counter",
      locate_reconciler_passes_total: "counter",
      locate_reconciler_changes_total: "counter",
    };
    for (const name of LOCATE_METRICS) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, "m"));
      expect(text).toContain(`# TYPE ${name} ${types[name]}`);
    }
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("can leave the default metrics out", async () => {
    expect(await new LocateMetrics({ defaultMetrics: false }).render()).not.toContain("process_cpu");
  });

  it("reset() zeroes counters", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    m.countVerdict("bad");
    m.reset();
    expect(samples(await m.render()).get('locate_verdicts_total{verdict="bad"}')).toBeUndefined();
  });

  it("the process-wide instance is a LocateMetrics with its own registry", () => {
    expect(metrics).toBeInstanceOf(LocateMetrics);
    expect(metrics.registry).not.toBe(globalRegistry);
  });
});

describe("webhook deliveries", () => {
  it("labels the event with its action when the payload has one", () => {
    expect(eventLabel({ name: "issue_comment", payload: { action: "edited" } })).toBe("issue_comment.edited");
    expect(eventLabel({ name: "ping", payload: { zen: "…" } })).toBe("ping");
    expect(eventLabel({ name: "issue_comment.edited", payload: { action: "edited" } })).toBe("issue_comment.edited");
  });

  it("counts each outcome and times each delivery", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    const created = () => ({ name: "issue_comment", payload: { action: "created" } });
    m.startDelivery(created()).end("handled");
    m.startDelivery(created()).end("duplicate");
    m.startDelivery(created()).end("failed");
    const ignored = created();
    markIgnored(ignored);
    m.startDelivery(ignored).end("handled");
    // A marked delivery that then fails is a failure, not "ignored".
    const failing = created();
    markIgnored(failing);
    m.startDelivery(failing).end("failed");
    const once = m.startDelivery({ name: "workflow_run", payload: { action: "completed" } });
    once.end("handled");
    once.end("failed");
    const s = samples(await m.render());
    expect(s.get('locate_webhooks_total{event="issue_comment.created",outcome="handled"}')).toBe(1);
    expect(s.get('locate_webhooks_total{event="issue_comment.created",outcome="duplicate"}')).toBe(1);
    expect(s.get('locate_webhooks_total{event="issue_comment.created",outcome="failed"}')).toBe(2);
    expect(s.get('locate_webhooks_total{event="issue_comment.created",outcome="ignored"}')).toBe(1);
    expect(s.get('locate_webhooks_total{event="workflow_run.completed",outcome="handled"}')).toBe(1);
    expect(s.get('locate_webhooks_total{event="workflow_run.completed",outcome="failed"}')).toBeUndefined();
    expect(s.get('locate_handler_seconds_count{event="issue_comment.created"}')).toBe(5);
    expect(s.get('locate_handler_seconds_bucket{le="+Inf",event="workflow_run.completed"}')).toBe(1);
    expect(s.get('locate_handler_seconds_bucket{le="0.005",event="workflow_run.completed"}')).toBe(1);
  });
});

describe("verdicts", () => {
  it("counts manual verdicts, skip as inconclusive", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    m.countVerdict("good");
    m.countVerdict("bad");
    m.countVerdict("skip");
    m.countVerdict("inconclusive");
    const s = samples(await m.render());
    expect(s.get('locate_verdicts_total{verdict="good"}')).toBe(1);
    expect(s.get('locate_verdicts_total{verdict="bad"}')).toBe(1);
    expect(s.get('locate_verdicts_total{verdict="inconclusive"}')).toBe(2);
  });

  it("counts a run's verdict once: not for duplicates, progress, or a url filled in later; again for a newer attempt", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    const queued = { status: "queued" as const, attempt: 1, runId: 1 };
    const completed = { status: "completed" as const, attempt: 1, runId: 1 };
    expect(m.countRunObservation(queued, observation({ verdict: "bad" }), true)).toBe(true);
    // Not applied (a duplicate, an older attempt): nothing counted, and the result is passed through.
    expect(m.countRunObservation(queued, observation({ verdict: "bad" }), false)).toBe(false);
    // Progress without a verdict.
    m.countRunObservation({ status: "dispatching", attempt: 1, runId: null }, observation({ status: "running", verdict: null }), true);
    // The same completed attempt again, changing only the url.
    m.countRunObservation(completed, observation({ verdict: "bad", url: "https://x" }), true);
    // A re-run: attempt 2 brings a new verdict.
    m.countRunObservation(completed, observation({ attempt: 2, verdict: "good" }), true);
    const s = samples(await m.render());
    expect(s.get('locate_verdicts_total{verdict="bad"}')).toBe(1);
    expect(s.get('locate_verdicts_total{verdict="good"}')).toBe(1);
  });
});

describe("hunts by state", () => {
  it("reads the counts on each render, with zero for the states that have none", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    let s = samples(await m.render(fakeStore([{ state: "searching", count: 2 }, { state: "found", count: 5 }])));
    expect(s.get('locate_hunts{state="searching"}')).toBe(2);
    expect(s.get('locate_hunts{state="found"}')).toBe(5);
    expect(s.get('locate_hunts{state="paused"}')).toBe(0);
    expect(s.get('locate_hunts{state="cancelled"}')).toBe(0);
    expect(s.get('locate_hunts{state="failed"}')).toBe(0);
    s = samples(await m.render(fakeStore([{ state: "found", count: 7 }])));
    expect(s.get('locate_hunts{state="searching"}')).toBe(0);
    expect(s.get('locate_hunts{state="found"}')).toBe(7);
  });

  it("serves the other metrics without hunt samples when the database does not answer", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    await m.render(fakeStore([{ state: "found", count: 1 }]));
    m.countDispatch();
    const text = await m.render(fakeStore(new Error("connection refused")));
    expect(text).not.toMatch(/^locate_hunts\{/m);
    expect(samples(text).get("locate_runs_dispatched_total")).toBe(1);
  });
});

describe("GitHub requests and the reconciler", () => {
  it("the Octokit plugin counts responses and errors by method and status, and rethrows errors", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    const after: ((response: { status: number }, options: { method: string }) => void)[] = [];
    const error: ((e: unknown, options: { method: string }) => void)[] = [];
    const octokit = { hook: { after: (_: string, fn: (typeof after)[0]) => after.push(fn), error: (_: string, fn: (typeof error)[0]) => error.push(fn) } };
    githubRequestMetrics(m)(octokit as never);
    after[0]!({ status: 200 }, { method: "GET" });
    after[0]!({ status: 200 }, { method: "GET" });
    after[0]!({ status: 204 }, { method: "post" });
    const failure = Object.assign(new Error("Not Found"), { status: 404 });
    expect(() => error[0]!(failure, { method: "PATCH" })).toThrow(failure);
    expect(() => error[0]!(new Error("socket hang up"), { method: "GET" })).toThrow("socket hang up");
    const s = samples(await m.render());
    expect(s.get('locate_github_requests_total{method="GET",status="200"}')).toBe(2);
    expect(s.get('locate_github_requests_total{method="POST",status="204"}')).toBe(1);
    expect(s.get('locate_github_requests_total{method="PATCH",status="404"}')).toBe(1);
    expect(s.get('locate_github_requests_total{method="GET",status="error"}')).toBe(1);
  });

  it("counts reconciler passes and the runs they changed", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    m.countReconcilerPass(0);
    m.countReconcilerPass(3);
    const s = samples(await m.render());
    expect(s.get("locate_reconciler_passes_total")).toBe(2);
    expect(s.get("locate_reconciler_changes_total")).toBe(3);
  });
});

describe("GET /metrics handler", () => {
  function request(method: string, url: string): IncomingMessage {
    return Object.assign(new EventEmitter(), { method, url }) as unknown as IncomingMessage;
  }
  function response() {
    const res = {
      status: 0,
      headers: {} as Record<string, string>,
      body: "",
      writeHead(status: number, headers: Record<string, string>) {
        res.status = status;
        res.headers = headers;
        return res;
      },
      end(body: string) {
        res.body = body;
        return res;
      },
    };
    return res;
  }

  it("answers GET /metrics (query string allowed) in the exposition format, and lets other requests through", async () => {
    const m = new LocateMetrics({ defaultMetrics: false });
    m.countDispatch();
    const handler = metricsHandler(fakeStore([{ state: "searching", count: 1 }]), m);
    const res = response();
    expect(await handler(request("GET", "/metrics?x=1"), res as unknown as ServerResponse)).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(m.contentType);
    expect(samples(res.body).get("locate_runs_dispatched_total")).toBe(1);
    expect(samples(res.body).get('locate_hunts{state="searching"}')).toBe(1);
    expect(await handler(request("POST", "/metrics"), response() as unknown as ServerResponse)).toBe(false);
    expect(await handler(request("GET", "/healthz"), response() as unknown as ServerResponse)).toBe(false);
  });
});
