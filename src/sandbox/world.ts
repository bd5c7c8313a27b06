// The sandbox's state (repository, people, issues, comments, runs) and the changes to it that emit webhooks, shared by API routes and test actions.
import type { AppKeys } from "./auth.js";
import { TokenStore } from "./auth.js";
import type { Graph } from "./history.js";
import { hash32, prng } from "./prng.js";
import type { Prng } from "./prng.js";
import { DEFAULT_RUN_NAME, RunEngine, normalizeInputs } from "./runs.js";
import type { RunEvent } from "./runs.js";
import { workflow as workflowShape, workflowRun } from "./shapes/actions.js";
import type { WorkflowModel } from "./shapes/actions.js";
import { installationRef, organization, repository, user as userShape } from "./shapes/common.js";
import type { AppInfo, RepoInfo, ShapeContext, UserRef } from "./shapes/common.js";
import { comment as commentShape, issue as issueShape } from "./shapes/issues.js";
import type { CommentModel, IssueModel, ReactionContent, ReactionModel } from "./shapes/issues.js";
import type { RequestLogEntry, Role, SandboxOptions, SandboxRun } from "./types.js";
import { Deliverer } from "./webhooks.js";

let sandboxesCreated = 0;

const ROLE_RANK: Record<Role, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export const MAX_COMMENT_LENGTH = 65_536;

export interface Injection {
  /** "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", or a predicate over the request. */
  route: string | ((method: string, route: string, path: string) => boolean);
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests fail; default 1. */
  times?: number;
}

export interface WorldInit {
  options: SandboxOptions;
  graph: Graph;
  firstBad: { tag: string | null; sha: string; index: number };
  keys: AppKeys;
  seed: number;
}

export class World implements ShapeContext {
  api = "";
  web = "";
  readonly graph: Graph;
  readonly repo: RepoInfo;
  readonly app: AppInfo;
  readonly appId: string;
  readonly installationId: number;
  readonly botLogin: string;
  readonly bot: UserRef;
  readonly secret: string;
  readonly keys: AppKeys;
  readonly tokens = new TokenStore();
  readonly firstBad: { tag: string | null; sha: string; index: number };
  readonly engine: RunEngine;
  readonly deliverer: Deliverer;
  readonly requests: RequestLogEntry[] = [];
  readonly issues = new Map<number, IssueModel>();
  readonly comments = new Map<number, CommentModel>();
  readonly injections: Injection[] = [];
  readonly dispatchMode: "details" | "legacy";
  readonly validateRequests: boolean;
  readonly graphql: boolean;
  config: string | undefined;
  readonly onRequest: ((entry: RequestLogEntry) => void) | undefined;
  private readonly roles: Map<string, Role>;
  private defaultRole: Role;
  private readonly rand: Prng;
  private nextIssue = 4101;
  private nextComment = 2_500_000_000;
  private nextReaction = 310_000_000;

  constructor(init: WorldInit) {
    const { options, graph } = init;
    this.graph = graph;
    this.keys = init.keys;
    this.firstBad = init.firstBad;
    this.rand = prng(init.seed ^ 0xc0ffee);
    this.appId = "1234567";
    // Distinct per sandbox in a process: @octokit/auth-app shares in-flight token requests per installation id across instances.
    this.installationId = options.installationId ?? 2_200_000_123 + 1_000 * sandboxesCreated++;
    this.app = { id: Number(this.appId), slug: "locate", name: "Locate", createdAt: "2024-05-01T12:00:00Z" };
    this.botLogin = `${this.app.slug}[bot]`;
    this.bot = { login: this.botLogin, id: 190_000_000 + (this.app.id % 1_000_000), type: "Bot" };
    this.secret = `sandbox-secret-${hash32(`${init.seed}:secret`).toString(16)}`;
    const [owner, name] = graph.repo.includes("/") ? (graph.repo.split("/") as [string, string]) : ["acme", graph.repo];
    this.repo = {
      owner: { login: owner, id: 9_000_000 + (hash32(owner) % 90_000_000), type: "Organization" },
      name,
      id: 3_141_592_653,
      defaultBranch: graph.defaultBranch,
      createdAt: new Date((graph.times[0] ?? 1_600_000_000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      pushedAt: new Date((graph.times[graph.tip] ?? 1_600_000_000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      openIssues: 0,
    };
    this.roles = new Map(Object.entries(options.permissions ?? {}));
    this.defaultRole = options.defaultRole ?? "read";
    this.config = options.config;
    this.dispatchMode = options.dispatchMode ?? "details";
    this.validateRequests = options.validateRequests ?? true;
    this.graphql = options.graphql ?? true;
    this.onRequest = options.onRequest;

    const w = options.workflow === null ? null : (options.workflow ?? {});
    const workflow: WorkflowModel | null = w
      ? {
          id: w.id ?? 161_335_077,
          name: w.name ?? "locate",
          file: w.file ?? "locate.yml",
          path: `.github/workflows/${w.file ?? "locate.yml"}`,
          createdAt: Date.UTC(2024, 4, 2),
        }
      : null;
    this.engine = new RunEngine({
      graph,
      bad: graph.descendants(init.firstBad.index),
      seed: init.seed,
      runDuration: options.runDuration ?? { minMs: 30, maxMs: 120 },
      flakeRate: options.flakeRate ?? 0,
      inconclusiveRate: options.inconclusiveRate ?? 0,
      doesNotBuild: new Set(
        (options.doesNotBuild ?? []).map((ref) => {
          const found = graph.resolve(ref);
          if (!found) throw new Error(`sandbox: doesNotBuild ${ref} is neither a tag nor a commit of ${graph.repo}`);
          return found.index;
        }),
      ),
      workflow,
      dispatchable: w?.dispatchable ?? true,
      runName: w?.runName === undefined ? DEFAULT_RUN_NAME : w.runName,
      inputs: normalizeInputs(options.workflowInputs),
      onEvent: (run, event) => this.runChanged(run, event),
    });
    this.deliverer = new Deliverer({
      secret: this.secret,
      appId: this.appId,
      hookId: 480_000_001,
      rand: prng(init.seed ^ 0xde11),
      ...(options.onDelivery ? { onDelivered: options.onDelivery } : {}),
      chaos: { duplicateRate: options.duplicateRate ?? 0, dropRate: options.dropRate ?? 0, shuffleWindowMs: options.shuffleWindowMs ?? 0 },
    });
    if (options.webhookUrl) this.deliverer.target = options.webhookUrl;
  }

  /** Users get stable ids from their login, so payloads are reproducible. */
  user(login: string): UserRef {
    if (login === this.botLogin) return this.bot;
    if (login === this.repo.owner.login) return this.repo.owner;
    return { login, id: 1_000_000 + (hash32(`user:${login}`) % 100_000_000), type: /\[bot\]$/.test(login) ? "Bot" : "User" };
  }

  role(login: string): Role {
    if (login === this.botLogin) return "write";
    return this.roles.get(login) ?? this.defaultRole;
  }

  setRole(login: string, role: Role): void {
    this.roles.set(login, role);
  }

  setDefaultRole(role: Role): void {
    this.defaultRole = role;
  }

  atLeast(login: string, role: Role): boolean {
    return ROLE_RANK[this.role(login)] >= ROLE_RANK[role];
  }

  association(u: UserRef): string {
    if (u.type === "Bot") return "NONE";
    const role = this.role(u.login);
    if (role === "admin" || role === "maintain") return "MEMBER";
    if (role === "write" || role === "triage") return "COLLABORATOR";
    return "NONE";
  }

  // ---- issues and comments ----

  openIssue(author: UserRef, title: string, body: string | null): IssueModel {
    const now = Date.now();
    const number = this.nextIssue++;
    const issue: IssueModel = {
      number,
      id: 3_000_000_000 + number,
      title,
      body,
      user: author,
      authorAssociation: this.association(author),
      locked: false,
      lockReason: null,
      createdAt: now,
      updatedAt: now,
      comments: 0,
      reactions: [],
    };
    this.issues.set(number, issue);
    this.repo.openIssues++;
    this.deliver(`issue:${number}`, "issues", author, { action: "opened", issue: issueShape(this, issue) });
    return issue;
  }

  lockIssue(issue: IssueModel, by: UserRef, reason: string | null): void {
    issue.locked = true;
    issue.lockReason = reason;
    issue.updatedAt = Date.now();
    this.deliver(`issue:${issue.number}`, "issues", by, { action: "locked", issue: issueShape(this, issue) });
  }

  /** GitHub lets collaborators (and the app) comment on locked issues; everyone else gets 403. */
  mayComment(issue: IssueModel, author: UserRef): boolean {
    return !issue.locked || author.type === "Bot" || this.atLeast(author.login, "write");
  }

  mayEdit(c: CommentModel, editor: UserRef): boolean {
    if (editor.type === "Bot" && editor.login === this.botLogin) return true;
    const issue = this.issues.get(c.issueNumber);
    if (issue?.locked && !this.atLeast(editor.login, "write")) return false;
    return c.user.login === editor.login || this.atLeast(editor.login, "write");
  }

  createComment(issue: IssueModel, author: UserRef, body: string): CommentModel {
    const now = Date.now();
    this.nextComment += 1 + this.rand.int(0, 9);
    const c: CommentModel = {
      id: this.nextComment,
      issueNumber: issue.number,
      user: author,
      authorAssociation: this.association(author),
      body,
      createdAt: now,
      updatedAt: now,
      deleted: false,
      viaApp: author.login === this.botLogin,
      reactions: [],
    };
    this.comments.set(c.id, c);
    issue.comments++;
    issue.updatedAt = now;
    this.deliver(`issue:${issue.number}`, "issue_comment", author, { action: "created", issue: issueShape(this, issue), comment: commentShape(this, c) });
    return c;
  }

  /** Returns false (and delivers nothing) when the body is unchanged: GitHub records no edit then. */
  updateComment(c: CommentModel, editor: UserRef, body: string): boolean {
    const issue = this.issues.get(c.issueNumber)!;
    const from = c.body;
    c.updatedAt = Date.now();
    if (from === body) return false;
    c.body = body;
    this.deliver(`issue:${issue.number}`, "issue_comment", editor, {
      action: "edited",
      changes: { body: { from } },
      issue: issueShape(this, issue),
      comment: commentShape(this, c),
    });
    return true;
  }

  deleteComment(c: CommentModel, by: UserRef): void {
    const issue = this.issues.get(c.issueNumber)!;
    c.deleted = true;
    issue.comments = Math.max(0, issue.comments - 1);
    this.deliver(`issue:${issue.number}`, "issue_comment", by, { action: "deleted", issue: issueShape(this, issue), comment: commentShape(this, c) });
  }

  liveComment(id: number): CommentModel | undefined {
    const c = this.comments.get(id);
    return c && !c.deleted ? c : undefined;
  }

  /** Returns the reaction and whether it was new (201) or already there (200). */
  react(list: ReactionModel[], by: UserRef, content: ReactionContent): { reaction: ReactionModel; created: boolean } {
    const existing = list.find((r) => r.user.login === by.login && r.content === content);
    if (existing) return { reaction: existing, created: false };
    this.nextReaction += 1 + this.rand.int(0, 5);
    const reaction: ReactionModel = { id: this.nextReaction, user: by, content, createdAt: Date.now() };
    list.push(reaction);
    return { reaction, created: true };
  }

  // ---- runs ----

  private runChanged(run: SandboxRun, event: RunEvent): void {
    const w = this.engine.workflow!;
    const actor = this.user(run.actor);
    this.deliver(`run:${run.id}`, "workflow_run", actor, {
      action: event,
      workflow_run: workflowRun(this, run, w, actor),
      workflow: workflowShape(this, w),
    });
  }

  // ---- webhooks ----

  deliver(source: string, event: string, sender: UserRef, body: Record<string, unknown>): void {
    const payload: Record<string, unknown> = {
      ...body,
      repository: repository(this),
      ...(this.repo.owner.type === "Organization" ? { organization: organization(this) } : {}),
      sender: userShape(this, sender),
      installation: installationRef(this.installationId),
    };
    this.deliverer.enqueue(source, event, payload);
  }

  close(): void {
    this.engine.close();
    this.deliverer.close();
  }
}
