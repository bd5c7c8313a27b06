// Drizzle schema: the database is the source of truth for every hunt (§7). GitHub ids are bigint (they exceed 2^31).
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { RunReason } from "../hunt/verdict-reasons.js";
import type { WriteRequest } from "../outbox/requests.js";
import type { HuntState, RunStatus } from "../render/types.js";
import type { FlakeHistory, Verdict } from "../search/types.js";

/** What the found answer needs beyond the verdicts: fetched once from the compare API when the search is done. */
export interface StoredResult {
  readonly compareUrl: string;
  /** Probability of the answer when it was named (absent for hunts found before issue 12). */
  readonly probability?: number;
  /** Commit mode: the pull request that brought the first bad commit in, when GitHub knows one. */
  readonly pullRequest?: { readonly number: number; readonly title: string; readonly url: string } | null;
  /** Null when GitHub would not list them (see `unavailable`). */
  readonly totalCommits: number | null;
  readonly commits: readonly { sha: string; title: string; author: string | null }[];
  /** Optional lookups GitHub refused (issue 14): what the comment could not show, in plain text. */
  readonly unavailable?: readonly string[];
}

/** Global order of verdicts across replicas: newer verdicts get larger numbers. */
export const verdictSequence = pgSequence("verdict_seq");

export const hunts = pgTable(
  "hunts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    installationId: bigint("installation_id", { mode: "number" }).notNull(),
    repoId: bigint("repo_id", { mode: "number" }).notNull(),
    owner: text("owner").notNull(),
    repo: text("repo").notNull(),
    repoUrl: text("repo_url").notNull(),
    issueNumber: integer("issue_number").notNull(),
    commentId: bigint("comment_id", { mode: "number" }),
    /** The text last written to the comment, so unchanged renders cost no request. */
    commentBody: text("comment_body"),
    /** `tags`: a hunt over release tags; `commits`: the drill-down over first-parent commits of a tag-level result. */
    mode: text("mode").$type<"tags" | "commits">().notNull().default("tags"),
    parentHuntId: bigint("parent_hunt_id", { mode: "number" }),
    good: text("good").notNull(),
    bad: text("bad").notNull(),
    state: text("state").$type<HuntState>().notNull(),
    autopilot: boolean("autopilot").notNull().default(false),
    workflow: text("workflow").notNull(),
    dispatchRef: text("dispatch_ref").notNull(),
    inputs: jsonb("inputs").$type<Record<string, string>>().notNull(),
    parallel: integer("parallel").notNull(),
    candidates: integer("candidates").notNull(),
    maxRuns: integer("max_runs").notNull(),
    /** Minimum role to act on this hunt, from the repository config at start. */
    permission: text("permission").$type<"triage" | "write" | "maintain" | "admin">().notNull().default("write"),
    timeoutMinutes: integer("timeout_minutes").notNull(),
    /** Stop when one answer holds at least this probability (issue 12). */
    confidence: doublePrecision("confidence").notNull().default(0.99),
    /** Prior chance that a run gives the wrong verdict; the search re-estimates it from the runs. */
    flakeRate: doublePrecision("flake_rate").notNull().default(0.05),
    /** What earlier hunts of this repository's workflow said about its flakiness, as read when the hunt started. */
    flakeHistory: jsonb("flake_history").$type<FlakeHistory>(),
    /** Globs over step names: a run whose first failed step matches did not build, so it is inconclusive (issue 14). */
    skipSteps: jsonb("skip_steps").$type<string[]>().notNull().default([]),
    /** Post a short comment mentioning the starter when the hunt ends or waits for a person (issue 14). */
    notify: boolean("notify").notNull().default(true),
    round: integer("round").notNull().default(0),
    notice: text("notice"),
    result: jsonb("result").$type<StoredResult>(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One active hunt per issue (§2), enforced by the database so two replicas cannot both start one.
    uniqueIndex("hunts_one_active_per_issue")
      .on(t.repoId, t.issueNumber)
      .where(sql`state in ('searching', 'paused')`),
    index("hunts_by_issue").on(t.repoId, t.issueNumber),
  ],
);

export const versions = pgTable(
  "versions",
  {
    huntId: bigint("hunt_id", { mode: "number" })
      .notNull()
      .references(() => hunts.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    names: jsonb("names").$type<string[]>().notNull(),
    sha: text("sha").notNull(),
    title: text("title"),
  },
  (t) => [primaryKey({ columns: [t.huntId, t.position] })],
);

export const runs = pgTable(
  "runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    huntId: bigint("hunt_id", { mode: "number" })
      .notNull()
      .references(() => hunts.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    /** Correlation token passed as the `locate_id` input; null for manual verdicts. */
    token: text("token").unique(),
    runId: bigint("run_id", { mode: "number" }),
    attempt: integer("attempt").notNull().default(1),
    /**
     * `waiting`: ticked while the hunt had `parallel` runs in flight, dispatched when a slot frees. `dispatching` until
     * the dispatch call returned; a row stuck there after a crash is repaired by the reconciler.
     */
    status: text("status").$type<RunStatus | "waiting" | "dispatching" | "error">().notNull(),
    conclusion: text("conclusion"),
    verdict: text("verdict").$type<Verdict>(),
    /** Orders verdicts in time: the newest verdict per version wins (§5). */
    verdictSeq: bigint("verdict_seq", { mode: "number" }),
    url: text("url"),
    round: integer("round").notNull(),
    manualBy: text("manual_by"),
    note: text("note"),
    /** Why a failed or inconclusive run ended so: its first failed step, the workflow's annotation (issue 14). */
    reason: jsonb("reason").$type<RunReason>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("runs_by_hunt").on(t.huntId), index("runs_by_run_id").on(t.runId)],
);

/** Webhook deliveries already handled, by X-GitHub-Delivery: a redelivery has effect once (§8). */
export const deliveries = pgTable("deliveries", {
  id: text("id").primaryKey(),
  event: text("event").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  /** False while a process is handling it; a claim that stays unfinished (a crash) can be taken over later. */
  done: boolean("done").notNull().default(true),
});

/**
 * What finished hunts learned about a workflow's flakiness (expected false failures and passes among its runs),
 * per repository and workflow, so the next hunt recognises a flaky workflow without being told.
 */
export const workflowFlakes = pgTable(
  "workflow_flakes",
  {
    repoId: bigint("repo_id", { mode: "number" }).notNull(),
    workflow: text("workflow").notNull(),
    falseFailures: doublePrecision("false_failures").notNull().default(0),
    goodRuns: doublePrecision("good_runs").notNull().default(0),
    falsePasses: doublePrecision("false_passes").notNull().default(0),
    badRuns: doublePrecision("bad_runs").notNull().default(0),
    hunts: integer("hunts").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.repoId, t.workflow] })],
);

/**
 * Notifications posted (or being posted) for a hunt, one per change worth telling a person about (issue 14): the
 * unique key makes "at most one" hold across redeliveries, crashes and replicas.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    huntId: bigint("hunt_id", { mode: "number" })
      .notNull()
      .references(() => hunts.id, { onDelete: "cascade" }),
    /** What changed, e.g. `found`, `round:3:9`; one notification per key and hunt. */
    key: text("key").notNull(),
    /** `pending` while a process posts it, `sent` once GitHub has the comment. */
    status: text("status").$type<"pending" | "sent">().notNull().default("pending"),
    commentId: bigint("comment_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("notifications_once").on(t.huntId, t.key)],
);

/**
 * GitHub writes waiting to be made (issue 13): handlers commit these with the state that implies them and return;
 * only the write scheduler (src/outbox/) carries them out, per installation, paced and in priority order. A row
 * disappears once its write is made; `key` makes a write unique while it waits (one comment edit per hunt, one
 * dispatch per run), and a newer request for the same key replaces the waiting one and bumps `revision`.
 */
export const githubWrites = pgTable(
  "github_writes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    installationId: bigint("installation_id", { mode: "number" }).notNull(),
    huntId: bigint("hunt_id", { mode: "number" }).references(() => hunts.id, { onDelete: "cascade" }),
    key: text("key"),
    /** 0: what people wait for (replies, the first comment, the answer); 1: dispatches and cancels; 2: progress edits. */
    priority: integer("priority").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull().defaultNow(),
    request: jsonb("request").$type<WriteRequest>().notNull(),
    revision: integer("revision").notNull().default(1),
    attempts: integer("attempts").notNull().default(0),
    /** Set while a scheduler makes the write; a claim past this time belongs to a process that died. */
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("github_writes_key").on(t.key), index("github_writes_due").on(t.dueAt)],
);

/**
 * Write pacing per installation, shared by every replica: one write at a time, at least the write interval apart,
 * and nothing before `next_at` (pushed out by GitHub's secondary rate limits). New comments also draw from a token
 * bucket for GitHub's content-creation limits.
 */
export const installationPacing = pgTable("installation_pacing", {
  installationId: bigint("installation_id", { mode: "number" }).primaryKey(),
  nextAt: timestamp("next_at", { withTimezone: true }).notNull().defaultNow(),
  busyUntil: timestamp("busy_until", { withTimezone: true }),
  creationTokens: doublePrecision("creation_tokens").notNull().default(80),
  tokensAt: timestamp("tokens_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Audit trail: who did what to a hunt, and when. */
export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    huntId: bigint("hunt_id", { mode: "number" })
      .notNull()
      .references(() => hunts.id, { onDelete: "cascade" }),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("events_by_hunt").on(t.huntId)],
);

export type HuntRow = typeof hunts.$inferSelect;
export type NewHunt = typeof hunts.$inferInsert;
export type VersionRow = typeof versions.$inferSelect;
export type RunRow = typeof runs.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type GitHubWriteRow = typeof githubWrites.$inferSelect;
