// Runs the commands found in a comment or issue body, in order: permission, then the use case, then a reply if needed.
import type { Context } from "probot";
import { renderHelp, requiredPermission } from "../commands/index.js";
import { chooseRepro } from "../commands/repro.js";
import type { Command, ParsedLine } from "../commands/types.js";
import { type RepoConfig, parseRepoConfig } from "../config/repo-config.js";
import { findActiveHunt, findLatestHunt, loadSnapshot } from "../db/queries/hunts.js";
import { enqueueWrite } from "../db/queries/writes.js";
import { type GitHub, type RepoRef, repoParams } from "../github/client.js";
import { type Role, getRole, roleAtLeast } from "../github/permissions.js";
import { applyHuntCommand } from "../hunt/actions.js";
import { startCommitHunt } from "../hunt/commits.js";
import { type HuntDeps, actOnHunt, advanceHunt } from "../hunt/engine.js";
import { permissionReply } from "../hunt/replies.js";
import { startHunt } from "../hunt/start.js";
import { markIgnored } from "../observability/metrics.js";
import { escapeMarkdown } from "../render/escape.js";
import { type Runtime, depsOf } from "./runtime.js";

/** The repository and issue a command arrived on, from the payload. */
export interface CommandSource {
  readonly installationId: number;
  readonly repo: RepoRef & { readonly id: number; readonly htmlUrl: string; readonly defaultBranch: string };
  readonly issueNumber: number;
  readonly sender: string;
  /** The comment that held the commands, or null for an issue body. */
  readonly commentId: number | null;
  /** The text that held the commands, and the issue's body: where a reproduction's code block is found (issue 14). */
  readonly body: string;
  readonly issueBody: string | null;
}

export async function runCommands(runtime: Runtime, context: Context, source: CommandSource, lines: readonly ParsedLine[]): Promise<void> {
  if (lines.length === 0) return markIgnored(context);
  const { db } = runtime.store;
  const repo = repoParams(source.repo);
  // Replies and the 👀 are stored like every other write; the scheduler posts them, before any progress edit.
  const reply = (body: string) => enqueueWrite(db, { installationId: source.installationId, request: { kind: "reply", repo, issueNumber: source.issueNumber, body } });
  const target = source.commentId !== null ? { commentId: source.commentId } : { issueNumber: source.issueNumber };
  await enqueueWrite(db, { installationId: source.installationId, request: { kind: "reaction", repo, target } });
  for (const line of lines) {
    if (!line.ok) {
      await reply(line.error);
      continue;
    }
    const answer = await runCommand(runtime, context, source, line.command);
    if (answer) await reply(answer);
  }
}

async function hasRole(context: Context, source: CommandSource, required: Role): Promise<boolean> {
  const role = await getRole(context.octokit as GitHub, source.installationId, source.repo, source.sender);
  return roleAtLeast(role, required);
}

/**
 * What is wrong with a config file Probot's config plugin could not parse, or null for any other failure (a failed
 * request is an internal error, not the user's to fix). The plugin wraps the YAML parser's error as its cause.
 */
function configParseProblem(error: unknown): string | null {
  if (!(error instanceof Error) || !error.message.startsWith("[@probot/octokit-plugin-config] Configuration could not be parsed")) return null;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return `it is not valid YAML (${cause.message.split("\n", 1)[0]})`;
  return "it is not a YAML mapping of keys to values";
}

/** Reads `.github/locate.yml`; a file that cannot be used becomes the reply. */
async function loadRepoConfig(context: Context): Promise<{ ok: true; config: RepoConfig } | { ok: false; reply: string }> {
  let raw: unknown;
  try {
    raw = await context.config("locate.yml");
  } catch (error) {
    const problem = configParseProblem(error);
    if (problem === null) throw error;
    return { ok: false, reply: `⚠️ \`.github/locate.yml\` could not be read: ${escapeMarkdown(problem, 300)}. Fix the file and run the command again.` };
  }
  const parsed = parseRepoConfig(raw);
  if (parsed.ok) return parsed;
  return {
    ok: false,
    reply: ["⚠️ `.github/locate.yml` has problems, so the hunt did not start:", "", ...parsed.problems.map((p) => `- ${p}`), "", "Fix the file and run the command again."].join("\n"),
  };
}

async function runCommand(runtime: Runtime, context: Context, source: CommandSource, command: Command): Promise<string | null> {
  const deps = depsOf(runtime, context);
  if (command.kind === "help") return renderHelp();

  if (command.kind === "start") {
    const config = await loadRepoConfig(context);
    if (!config.ok) return config.reply;
    if (!(await hasRole(context, source, config.config.permission))) return permissionReply(source.sender, config.config.permission);
    const repro = chooseRepro(command.options.repro, source.body, source.issueBody);
    if (!repro.ok) return repro.error;
    const outcome = await startHunt(deps, { ...source, good: command.good, bad: command.bad, options: command.options, config: config.config, repro: repro.repro });
    if (outcome.kind === "rejected") return outcome.reply;
    await actOnHunt(deps, outcome.huntId, () => advanceHunt(deps, outcome.huntId), { urgency: "now" });
    return null;
  }

  const { db } = runtime.store;
  const hunt =
    (await findActiveHunt(db, source.repo.id, source.issueNumber)) ??
    (command.kind === "status" || command.kind === "commits" ? await findLatestHunt(db, source.repo.id, source.issueNumber) : undefined);
  if (!hunt || hunt.installationId !== source.installationId) {
    return "There is no hunt on this issue yet. Start one with `/locate <good>..<bad>`; `/locate help` lists the commands.";
  }
  if (requiredPermission(command.kind) === "write" && !(await hasRole(context, source, hunt.permission))) {
    return permissionReply(source.sender, hunt.permission);
  }
  if (command.kind === "commits") return drillDown(deps, hunt.id, source.sender);
  return actOnHunt(deps, hunt.id, () => applyHuntCommand(deps, hunt.id, command, source.sender), { urgency: "now" });
}

/** `/locate commits`: a new hunt over the commits between the tag-level answer's two tags, linked both ways. */
async function drillDown(deps: HuntDeps, parentId: number, sender: string): Promise<string | null> {
  const parent = await loadSnapshot(deps.store.db, parentId);
  if (!parent || parent.hunt.state !== "found") return "`/locate commits` works once a hunt has found the first bad tag.";
  const outcome = await startCommitHunt(deps, parent, sender);
  if (outcome.kind === "rejected") return outcome.reply;
  await actOnHunt(deps, outcome.huntId, () => advanceHunt(deps, outcome.huntId), { urgency: "now" });
  // The tag-level comment links to the new one.
  await actOnHunt(deps, parentId, async () => {}, { urgency: "now" });
  return null;
}
