// The HTTP front: GHES-style /api/v3 routing, authentication, OpenAPI request checks, fault injection, logging and GitHub's headers.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { looksLikeJwt, verifyAppJwt } from "./auth.js";
import { Comparisons } from "./comparisons.js";
import { githubSchema, runGraphql } from "./graphql.js";
import { error } from "./http.js";
import type { OpenApi } from "./openapi.js";
import type { ApiRequest, ApiResponse, Router } from "./router.js";
import type { RequestLogEntry } from "./types.js";
import { githubMessage, validate } from "./validate.js";
import type { World } from "./world.js";

const API_PREFIX = "/api/v3";
/** Where GHES serves GraphQL, and where Octokit sends it for a base URL ending in /api/v3. */
const GRAPHQL_PATH = "/api/graphql";
/** One commit-count cache per sandbox: the ends of a range are compared with every tag. */
const comparisonsOf = new WeakMap<World, Comparisons>();
const MAX_BODY = 5 * 1024 * 1024;
const RATE_LIMIT = 15_000;

export function requestHandler(world: World, router: Router, api: OpenApi): (req: IncomingMessage, res: ServerResponse) => void {
  // Building GitHub's GraphQL schema takes a few hundred milliseconds: pay it before the first query, not during it.
  if (world.graphql) githubSchema();
  return (req, res) => {
    handle(world, router, api, req, res).catch((err: unknown) => {
      // A sandbox bug must surface loudly rather than look like a GitHub outage.
      console.error("[sandbox] internal error", err);
      if (!res.headersSent) send(res, { status: 500, body: { message: `sandbox internal error: ${String(err)}` } }, world);
    });
  };
}

async function handle(world: World, router: Router, api: OpenApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://sandbox");
  const raw = await readBody(req);
  let route = `${method} ${url.pathname}`;
  let parsedBody: unknown = undefined;

  const finish = (response: ApiResponse): void => {
    send(res, response, world);
    const entry: RequestLogEntry = {
      method,
      route,
      path: url.pathname,
      query: url.search,
      status: response.status,
      body: parsedBody,
      response: response.body ?? response.text,
      at: Date.now(),
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    world.requests.push(entry);
    world.onRequest?.(entry);
  };

  if (url.pathname === GRAPHQL_PATH) {
    route = `${method} /graphql`;
    // A server without GraphQL (or with it switched off) answers like any unknown path.
    if (!world.graphql || method !== "POST") return finish(error(404, "Not Found"));
    const denied = authenticate(world, "installation", req.headers.authorization);
    if (denied) return finish(denied);
    try {
      parsedBody = JSON.parse(raw.toString("utf8"));
    } catch {
      return finish(error(400, "Problems parsing JSON"));
    }
    const injected = takeInjection(world, method, route, url.pathname);
    if (injected) return finish(injected);
    let comparisons = comparisonsOf.get(world);
    if (!comparisons) {
      comparisons = new Comparisons(world.graph);
      comparisonsOf.set(world, comparisons);
    }
    const result = runGraphql(world, comparisons, parsedBody);
    return finish({ status: result.status, body: result.body, headers: { "x-ratelimit-resource": "graphql" } });
  }
  if (!url.pathname.startsWith(`${API_PREFIX}/`)) return finish(error(404, "Not Found"));
  const path = url.pathname.slice(API_PREFIX.length);
  route = `${method} ${path}`;
  const matched = router.match(method, path);
  if (!matched) return finish(error(501, `sandbox does not model ${method} ${path}`));
  route = `${method} ${matched.route.template}`;

  const denied = authenticate(world, matched.route.auth, req.headers.authorization);
  if (denied) return finish(denied);

  const { owner, repo } = matched.params;
  if (owner !== undefined && repo !== undefined) {
    const ours = owner.toLowerCase() === world.repo.owner.login.toLowerCase() && repo.toLowerCase() === world.repo.name.toLowerCase();
    if (!ours) return finish(error(404, "Not Found"));
  }

  if (raw.length > 0) {
    try {
      parsedBody = JSON.parse(raw.toString("utf8"));
    } catch {
      return finish(error(400, "Problems parsing JSON"));
    }
  }

  const operation = api.operation(method, matched.route.template)!;
  if (world.validateRequests) {
    for (const p of operation.parameters) {
      const value = url.searchParams.get(p.name);
      if (p.in !== "query" || value === null || !p.schema?.enum) continue;
      if (!p.schema.enum.includes(value)) return finish(error(422, `Invalid request.\n\nFor '${p.name}', "${value}" is not a member of ${JSON.stringify(p.schema.enum)}.`));
    }
    const schema = api.requestSchema(operation);
    if (schema) {
      const problems = validate(parsedBody ?? {}, schema, api, { rejectUnknown: true });
      if (problems.length > 0) return finish(error(422, githubMessage(problems)));
    }
  }

  const injected = takeInjection(world, method, route, path);
  if (injected) return finish(injected);

  const request: ApiRequest = {
    method,
    route,
    path,
    params: matched.params,
    query: url.searchParams,
    body: parsedBody ?? {},
    headers: req.headers,
  };
  finish(await matched.route.handler(request));
}

function authenticate(world: World, kind: "jwt" | "installation", header: string | undefined): ApiResponse | undefined {
  if (!header) return error(401, "Requires authentication");
  const m = /^(token|bearer)\s+(\S+)$/i.exec(header.trim());
  if (!m) return error(401, "Bad credentials");
  const credential = m[2]!;
  if (kind === "jwt") {
    if (!looksLikeJwt(credential)) return error(401, "A JSON web token could not be decoded");
    const check = verifyAppJwt(credential, world.keys.publicKey, world.appId);
    return check.ok ? undefined : error(401, check.message);
  }
  if (looksLikeJwt(credential)) {
    // The app JWT only opens /app endpoints; repository calls need an installation token.
    return error(401, "This endpoint requires an installation access token, not the app's JSON web token");
  }
  return world.tokens.valid(credential) ? undefined : error(401, "Bad credentials");
}

function takeInjection(world: World, method: string, route: string, path: string): ApiResponse | undefined {
  const index = world.injections.findIndex((inj) => (typeof inj.route === "string" ? inj.route === route : inj.route(method, route, path)));
  if (index < 0) return undefined;
  const inj = world.injections[index]!;
  inj.times = (inj.times ?? 1) - 1;
  if (inj.times <= 0) world.injections.splice(index, 1);
  const response = inj.body === undefined ? error(inj.status, `injected ${inj.status}`) : { status: inj.status, body: inj.body };
  return inj.headers ? { ...response, headers: inj.headers } : response;
}

function send(res: ServerResponse, response: ApiResponse, world: World): void {
  // Wraps instead of reaching 0, so a long benchmark never looks rate-limited.
  const used = (world.requests.length % RATE_LIMIT) + 1;
  const headers: Record<string, string> = {
    "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
    "x-github-api-version-selected": "2022-11-28",
    "x-github-enterprise-version": "3.17.0",
    "x-github-media-type": "github.v3; format=json",
    "x-ratelimit-limit": String(RATE_LIMIT),
    "x-ratelimit-remaining": String(Math.max(0, RATE_LIMIT - used)),
    "x-ratelimit-used": String(used),
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
    ...(response.headers ?? {}),
  };
  if (response.text !== undefined) {
    res.writeHead(response.status, { ...headers, "content-type": response.contentType ?? "text/plain; charset=utf-8" });
    res.end(response.text);
  } else if (response.body === undefined || response.status === 204) {
    res.writeHead(response.status, headers);
    res.end();
  } else {
    res.writeHead(response.status, { ...headers, "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(response.body));
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
