// Small HTTP middlemen for resilience tests: a proxy between Locate and its (sandbox) GitHub that can stall, drop
// or watch single requests (to kill the app at an exact moment), and a webhook relay that spreads deliveries over
// several app processes, copies them (same or new X-GitHub-Delivery) and loses some on purpose.
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { prng } from "../../src/sandbox/prng.js";

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------------------------------------------------------
// The API proxy

export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, e.g. /api/v3/repos/acme/widgets/issues/comments/123 */
  readonly path: string;
  readonly body: string;
}

export interface ProxiedResponse {
  readonly status: number;
  readonly body: string;
}

/** "forward" (or nothing) lets the request through; "drop" closes the caller's connection without an answer. */
export type ProxyDecision = "forward" | "drop" | void;

export interface ApiProxy {
  /** host:port to use as GHE_HOST. */
  readonly host: string;
  /** Called before a request goes upstream; may await (e.g. kill the app first). */
  before: ((req: ProxiedRequest) => ProxyDecision | Promise<ProxyDecision>) | undefined;
  /** Called with the upstream answer before it is relayed; "drop" swallows it (the caller never learns the outcome). */
  after: ((req: ProxiedRequest, res: ProxiedResponse) => ProxyDecision | Promise<ProxyDecision>) | undefined;
  /** Every request seen, with what happened to it. */
  readonly log: Array<ProxiedRequest & { status: number | null; dropped: "before" | "after" | null }>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host"]);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/** Starts a proxy on 127.0.0.1 that forwards every request to `upstream` (http://host:port). */
export async function startApiProxy(upstream: string): Promise<ApiProxy> {
  const target = new URL(upstream);
  const proxy: ApiProxy = {
    host: "",
    before: undefined,
    after: undefined,
    log: [],
    close: () => close(server),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const seen: ProxiedRequest = { method: req.method ?? "GET", path: req.url ?? "/", body: body.toString("utf8") };
      const entry = { ...seen, status: null as number | null, dropped: null as "before" | "after" | null };
      proxy.log.push(entry);
      if ((await proxy.before?.(seen)) === "drop") {
        entry.dropped = "before";
        req.socket.destroy();
        return;
      }
      const upstreamResponse = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const out = httpRequest(
          { host: target.hostname, port: target.port, method: seen.method, path: seen.path, headers: { ...forwardable(req.headers), host: target.host, "content-length": String(body.length) } },
          (upstreamRes) => {
            void readBody(upstreamRes).then((data) => resolve({ status: upstreamRes.statusCode ?? 502, headers: upstreamRes.headers, body: data }), reject);
          },
        );
        out.on("error", reject);
        out.end(body);
      });
      entry.status = upstreamResponse.status;
      if ((await proxy.after?.(seen, { status: upstreamResponse.status, body: upstreamResponse.body.toString("utf8") })) === "drop") {
        entry.dropped = "after";
        req.socket.destroy();
        return;
      }
      res.writeHead(upstreamResponse.status, { ...forwardable(upstreamResponse.headers), "content-length": String(upstreamResponse.body.length) });
      res.end(upstreamResponse.body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`proxy error: ${String(error)}`);
      else res.destroy();
    });
  });
  const port = await listen(server);
  return Object.assign(proxy, { host: `127.0.0.1:${port}` });
}

// ---------------------------------------------------------------------------------------------------------------
// The webhook relay

export interface RelayedDelivery {
  /** The X-GitHub-Delivery sent to the app. */
  readonly id: string;
  /** The sandbox's id this one copies (equal to id unless kind is "new-id"). */
  readonly originalId: string;
  readonly event: string;
  readonly action: string | undefined;
  /** original: what the sandbox sent; fan-out: the same delivery sent to another app at the same time; new-id: a copy under a fresh id. */
  readonly kind: "original" | "fan-out" | "new-id";
  readonly target: string;
  readonly payload: Record<string, unknown>;
  status: number | null;
  /** How long the app took to answer. */
  ms?: number;
  error?: string;
}

export interface RelayOptions {
  /** Webhook URLs of the app processes. Replaceable later through `relay.targets`. */
  readonly targets: readonly string[];
  readonly seed: number;
  /** Chance each delivery also goes, at the same moment and with the same id, to another target (two replicas given one delivery). */
  readonly fanOutRate?: number;
  /** Chance each delivery is sent once more, a moment later, under a fresh X-GitHub-Delivery (the same event seen as a new delivery). */
  readonly newIdRate?: number;
  /** Deliveries lost on the way: answered 202 to the sender and never forwarded. */
  readonly drop?: (event: string, payload: Record<string, unknown>) => boolean;
}

export interface WebhookRelay {
  /** Where the sandbox delivers (sb.setWebhookTarget). */
  readonly url: string;
  targets: string[];
  readonly log: RelayedDelivery[];
  /** Deliveries answered 202 but never forwarded (options.drop). */
  readonly dropped: Array<{ id: string; event: string; action: string | undefined }>;
  /** Resolves when no forward is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookRelay(options: RelayOptions): Promise<WebhookRelay> {
  const rand = prng(options.seed);
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  };
  const relay: WebhookRelay = {
    url: "",
    targets: [...options.targets],
    log: [],
    dropped: [],
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: () => close(server),
  };

  const send = async (target: string, headers: Record<string, string | string[]>, body: Buffer, record: RelayedDelivery): Promise<number> => {
    relay.log.push(record);
    const started = performance.now();
    try {
      const response = await fetch(target, {
        method: "POST",
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v])),
        body,
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      record.status = response.status;
      return response.status;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      return 502;
    } finally {
      record.ms = Math.round(performance.now() - started);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers = forwardable(req.headers);
      const id = String(req.headers["x-github-delivery"] ?? "");
      const event = String(req.headers["x-github-event"] ?? "");
      const payload = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      const action = typeof payload.action === "string" ? payload.action : undefined;
      if (options.drop?.(event, payload)) {
        relay.dropped.push({ id, event, action });
        res.writeHead(202).end();
        return;
      }
      const targets = relay.targets;
      if (targets.length === 0) {
        res.writeHead(503).end("no target");
        return;
      }
      const primary = rand.int(0, targets.length - 1);
      const sends = [send(targets[primary]!, headers, body, { id, originalId: id, event, action, kind: "original", target: targets[primary]!, payload, status: null })];
      if (targets.length > 1 && rand.chance(options.fanOutRate ?? 0)) {
        const other = targets[(primary + rand.int(1, targets.length - 1)) % targets.length]!;
        sends.push(send(other, headers, body, { id, originalId: id, event, action, kind: "fan-out", target: other, payload, status: null }));
      }
      if (rand.chance(options.newIdRate ?? 0)) {
        const fresh = randomUUID();
        const target = rand.pick(targets);
        const delay = rand.int(0, 100);
        void track(
          new Promise((resolve) => setTimeout(resolve, delay)).then(() =>
            send(target, { ...headers, "x-github-delivery": fresh }, body, { id: fresh, originalId: id, event, action, kind: "new-id", target, payload, status: null }),
          ),
        );
      }
      const [status] = await track(Promise.all(sends));
      res.writeHead(status ?? 502).end();
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  const port = await listen(server);
  return Object.assign(relay, { url: `http://127.0.0.1:${port}/relay` });
}
