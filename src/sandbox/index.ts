// startSandbox: a local GitHub Enterprise stand-in (REST under /api/v3, signed webhooks, simulated Actions runs) for the demo and e2e tests.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { appKeys } from "./auth.js";
import { Graph, loadHistoryFile } from "./history.js";
import { openApi } from "./openapi.js";
import { prng, seedFrom } from "./prng.js";
import { Router } from "./router.js";
import { actionRoutes } from "./routes/actions.js";
import { appRoutes } from "./routes/app.js";
import { issueRoutes } from "./routes/issues.js";
import { jobRoutes } from "./routes/jobs.js";
import { repoRoutes } from "./routes/repos.js";
import { requestHandler } from "./server.js";
import type { UserRef } from "./shapes/common.js";
import { syntheticHistory } from "./synthetic.js";
import type { DeliveryLogEntry, RequestLogEntry, Role, SandboxEnv, SandboxOptions, SandboxRun } from "./types.js";
import type { Chaos } from "./webhooks.js";
import { World } from "./world.js";
import type { Injection } from "./world.js";

export type { DeliveryLogEntry, RequestLogEntry, Role, SandboxEnv, SandboxOptions, SandboxRun, WorkflowInputSpec } from "./types.js";
export type { Injection } from "./world.js";
export { signature } from "./webhooks.js";
export { mostInFlight } from "./runs.js";

export interface SandboxComment {
  id: number;
  issue: number;
  user: string;
  body: string;
  createdAt: number;
  updatedAt: number;
  deleted: boolean;
  reactions: Array<{ user: string; content: string }>;
}

/** How long the app must make no request before the sandbox calls it idle: well above its scheduler's wake-up. */
const QUIET_MS = 150;

export interface Sandbox {
  /** http://127.0.0.1:<port> (the API is under /api/v3). */
  url: string;
  /** What the app needs in its environment to talk to this sandbox. */
  env: SandboxEnv;
  repo: { owner: string; name: string; id: number; defaultBranch: string; htmlUrl: string; defaultBranchSha: string };
  installationId: number;
  appId: number;
  botLogin: string;
  workflow: { id: number; file: string; path: string; name: string } | null;
  firstBad: { tag: string | null; sha: string };
  /** Tags in the repository: name and peeled commit SHA. */
  tags: ReadonlyArray<{ name: string; sha: string }>;
  requests: RequestLogEntry[];
  deliveries: DeliveryLogEntry[];
  runs: SandboxRun[];

  setWebhookTarget(url: string | undefined): void;
  openIssue(args: { user: string; title: string; body?: string }): Promise<number>;
  postComment(args: { issue: number; user: string; body: string; force?: boolean }): Promise<number>;
  editComment(args: { commentId: number; user: string; body: string; force?: boolean }): Promise<void>;
  /** Ticks (or unticks) the task-list item on the line holding `<!-- marker -->`; pass `tag` to build "locate:tag:<encoded name>". Returns false when it was already in that state (nothing is sent). */
  tick(args: { commentId: number; user: string; marker?: string; tag?: string; checked?: boolean; force?: boolean }): Promise<boolean>;
  getComment(id: number): SandboxComment | undefined;
  listComments(issue: number): SandboxComment[];
  deleteComment(id: number, user?: string): void;
  lockIssue(issue: number, reason?: string): void;
  issueReactions(issue: number): Array<{ user: string; content: string }>;

  setRole(user: string, role: Role): void;
  setConfig(text: string | undefined): void;
  /** Makes the next matching API request(s) fail with the given status. */
  inject(injection: Injection): void;
  /** Ends a run now: with the given conclusion, or with what it would have concluded. */
  finishRun(id: number, conclusion?: string): SandboxRun;
  setChaos(chaos: Partial<Chaos>): void;
  redeliver(id: string): DeliveryLogEntry;
  /**
   * Resolves when no webhook is queued or in flight and the app has been quiet for a moment: it answers deliveries
   * at once and makes its GitHub writes just after (issue 13), so "idle" waits for those writes too.
   */
  idle(): Promise<void>;
  waitFor<T>(predicate: () => T | Promise<T>, options?: { timeoutMs?: number; intervalMs?: number; message?: string }): Promise<Exclude<T, false | null | undefined | 0 | "">>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const keys = await appKeys();
  const data =
    typeof options.history === "string" ? loadHistoryFile(options.history) : syntheticHistory(options.history?.tags ?? 12, seed);
  const graph = new Graph(data);
  const firstBad = chooseFirstBad(graph, options.firstBad, seed);
  const world = new World({ options, graph, firstBad, keys, seed });

  const api = openApi();
  const router = new Router();
  for (const def of [...appRoutes(world), ...repoRoutes(world), ...issueRoutes(world), ...actionRoutes(world), ...jobRoutes(world)]) {
    const op = api.operation(def.method, def.template);
    if (!op) throw new Error(`sandbox route ${def.method} ${def.template} is not in GitHub's OpenAPI description`);
    const multi = new Set(op.parameters.filter((p) => p.in === "path" && p["x-multi-segment"]).map((p) => p.name));
    router.add(def, multi);
  }

  const server = createServer(requestHandler(world, router, api));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  world.web = `http://${host}`;
  world.api = `${world.web}/api/v3`;

  const person = (login: string): UserRef => world.user(login);
  const issueOrThrow = (n: number) => {
    const found = world.issues.get(n);
    if (!found) throw new Error(`sandbox: no issue #${n}`);
    return found;
  };
  const commentOrThrow = (id: number) => {
    const found = world.liveComment(id);
    if (!found) throw new Error(`sandbox: no comment ${id} (deleted or never created)`);
    return found;
  };
  const view = (id: number): SandboxComment | undefined => {
    const c = world.comments.get(id);
    if (!c) return undefined;
    return {
      id: c.id,
      issue: c.issueNumber,
      user: c.user.login,
      body: c.body,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      deleted: c.deleted,
      reactions: c.reactions.map((r) => ({ user: r.user.login, content: r.content })),
    };
  };
  const edit = (commentId: number, login: string, body: string, force: boolean | undefined): boolean => {
    const c = commentOrThrow(commentId);
    const editor = person(login);
    if (!force && !world.mayEdit(c, editor)) {
      throw new Error(`sandbox: ${login} (role ${world.role(login)}) may not edit comment ${commentId} by ${c.user.login}; pass force: true to do it anyway`);
    }
    return world.updateComment(c, editor, body);
  };
  let closed = false;

  const sandbox: Sandbox = {
    url: world.web,
    env: { APP_ID: world.appId, PRIVATE_KEY: keys.privateKeyPem, WEBHOOK_SECRET: world.secret, GHE_HOST: host, GHE_PROTOCOL: "http" },
    repo: {
      owner: world.repo.owner.login,
      name: world.repo.name,
      id: world.repo.id,
      defaultBranch: world.repo.defaultBranch,
      htmlUrl: `${world.web}/${world.repo.owner.login}/${world.repo.name}`,
      defaultBranchSha: graph.sha(graph.tip),
    },
    installationId: world.installationId,
    appId: world.app.id,
    botLogin: world.botLogin,
    workflow: world.engine.workflow && {
      id: world.engine.workflow.id,
      file: world.engine.workflow.file,
      path: world.engine.workflow.path,
      name: world.engine.workflow.name,
    },
    firstBad: { tag: firstBad.tag, sha: firstBad.sha },
    tags: graph.tags.map((t) => ({ name: t.name, sha: t.sha })),
    requests: world.requests,
    deliveries: world.deliverer.log,
    runs: world.engine.runs,

    setWebhookTarget: (url) => {
      world.deliverer.target = url;
    },
    openIssue: async ({ user, title, body }) => world.openIssue(person(user), title, body ?? null).number,
    postComment: async ({ issue, user, body, force }) => {
      const found = issueOrThrow(issue);
      const author = person(user);
      if (!force && !world.mayComment(found, author)) throw new Error(`sandbox: issue #${issue} is locked and ${user} (role ${world.role(user)}) may not comment`);
      return world.createComment(found, author, body).id;
    },
    editComment: async ({ commentId, user, body, force }) => {
      edit(commentId, user, body, force);
    },
    tick: async ({ commentId, user, marker, tag, checked = true, force }) => {
      const name = marker ?? (tag !== undefined ? `locate:tag:${encodeURIComponent(tag)}` : undefined);
      if (!name) throw new Error("sandbox.tick needs a marker or a tag");
      const c = commentOrThrow(commentId);
      const next = toggleTask(c.body, name, checked);
      if (next === undefined) {
        const markers = [...c.body.matchAll(/<!--\s*(locate:[^>]*?)\s*-->/g)].map((m) => m[1]).join(", ");
        throw new Error(`sandbox.tick: no task-list line with <!-- ${name} --> in comment ${commentId}; markers present: ${markers || "none"}`);
      }
      if (next === c.body) return false;
      return edit(commentId, user, next, force);
    },
    getComment: view,
    listComments: (issue) =>
      [...world.comments.values()].filter((c) => c.issueNumber === issue && !c.deleted).sort((a, b) => a.id - b.id).map((c) => view(c.id)!),
    deleteComment: (id, user) => world.deleteComment(commentOrThrow(id), person(user ?? world.botLogin)),
    lockIssue: (issue, reason) => world.lockIssue(issueOrThrow(issue), world.user("sandbox-admin"), reason ?? null),
    issueReactions: (issue) => issueOrThrow(issue).reactions.map((r) => ({ user: r.user.login, content: r.content })),

    setRole: (user, role) => world.setRole(user, role),
    setConfig: (text) => {
      world.config = text;
    },
    inject: (injection) => {
      world.injections.push({ ...injection });
    },
    finishRun: (id, conclusion) => world.engine.finish(id, conclusion),
    setChaos: (chaos) => Object.assign(world.deliverer.chaos, chaos),
    redeliver: (id) => world.deliverer.redeliver(id),
    idle: async () => {
      for (;;) {
        await world.deliverer.idle();
        const seen = world.requests.length;
        await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
        if (world.requests.length === seen && !world.deliverer.busy) return;
      }
    },
    waitFor: (predicate, opts) => waitFor(predicate, opts, world),
    close: async () => {
      if (closed) return;
      closed = true;
      world.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sandbox;
}

/** Toggles the `- [ ]`/`- [x]` on the line carrying the marker; undefined when there is no such task line. */
export function toggleTask(body: string, marker: string, checked: boolean): string | undefined {
  const lines = body.split("\n");
  // Whitespace inside the comment delimiters is the renderer's choice, so any amount is accepted.
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const hidden = new RegExp(`<!--\\s*${escaped}\\s*-->`);
  const at = lines.findIndex((line) => hidden.test(line) && /^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]/.test(line));
  if (at < 0) return undefined;
  lines[at] = lines[at]!.replace(/^(\s*(?:[-*+]|\d+[.)])\s+)\[[ xX]\]/, `$1[${checked ? "x" : " "}]`);
  return lines.join("\n");
}

/** Default first bad: a seeded tag on the default branch, never the oldest one, so a hunt always has a good tag below it. */
function chooseFirstBad(graph: Graph, wanted: string | undefined, seed: number): { tag: string | null; sha: string; index: number } {
  if (wanted !== undefined) {
    const tag = graph.tag(wanted);
    if (tag) return { tag: tag.name, sha: tag.sha, index: tag.index };
    const commit = graph.resolve(wanted);
    if (commit) return { tag: null, sha: commit.sha, index: commit.index };
    throw new Error(`sandbox: firstBad ${wanted} is neither a tag nor a commit of ${graph.repo}`);
  }
  const onDefault = graph.ancestors(graph.tip);
  const candidates = graph.tags.filter((t) => onDefault[t.index]).sort((a, b) => a.index - b.index || a.name.localeCompare(b.name));
  const oldest = candidates[0]?.index;
  const eligible = candidates.filter((t) => t.index !== oldest);
  if (eligible.length === 0) throw new Error(`sandbox: ${graph.repo} has fewer than two tags on ${graph.defaultBranch}; pass firstBad`);
  const tag = prng(seedFrom(seed, "firstBad")).pick(eligible);
  return { tag: tag.name, sha: tag.sha, index: tag.index };
}

async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
  world: World,
): Promise<Exclude<T, false | null | undefined | 0 | "">> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const interval = options.intervalMs ?? 5;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await predicate();
    } catch (err) {
      last = err;
    }
    if (last && !(last instanceof Error)) return last as Exclude<T, false | null | undefined | 0 | "">;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  const recentDeliveries = world.deliverer.log
    .slice(-5)
    .map((d) => `${d.event}.${d.action ?? ""} ${d.outcome}${d.status ? ` ${d.status}` : ""}${d.error ? ` (${d.error})` : ""}`);
  const recentRequests = world.requests.slice(-5).map((r) => `${r.route} → ${r.status}`);
  throw new Error(
    [
      `sandbox.waitFor timed out after ${timeoutMs} ms${options.message ? `: ${options.message}` : ""}`,
      `last value: ${last instanceof Error ? `threw ${last.message}` : JSON.stringify(last)}`,
      `recent deliveries: ${recentDeliveries.join("; ") || "none"}`,
      `recent requests: ${recentRequests.join("; ") || "none"}`,
    ].join("\n"),
  );
}
