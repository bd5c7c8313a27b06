// Starting a hunt (§2 start command, §5 versions in range): resolve the versions between good and bad, store them.
import { workflowInputsProblem } from "../commands/index.js";
import { type Repro, reproInputs, reproTooLargeReply } from "../commands/repro.js";
import type { StartOptions } from "../commands/types.js";
import type { RepoConfig } from "../config/repo-config.js";
import { readFlakeHistory } from "../db/queries/flakes.js";
import { ActiveHuntExists, findActiveHunt, insertHunt, recordEvent } from "../db/queries/hunts.js";
import type { RepoRef } from "../github/client.js";
import { resolveRangeVersions, versionsSourceFromEnv } from "../github/versions-source.js";
import { inlineCode } from "../render/escape.js";
import { describeResolveError } from "../versions/resolve.js";
import type { HuntDeps } from "./engine.js";

export interface StartRequest {
  readonly installationId: number;
  readonly repo: RepoRef & { readonly id: number; readonly htmlUrl: string; readonly defaultBranch: string };
  readonly issueNumber: number;
  readonly sender: string;
  readonly good: string;
  readonly bad: string;
  readonly options: StartOptions;
  readonly config: RepoConfig;
  /** The reproduction's code block, passed as the inputs `repro` and `repro_lang` (issue 14). */
  readonly repro?: Repro | null;
}

export type StartOutcome = { readonly kind: "started"; readonly huntId: number } | { readonly kind: "rejected"; readonly reply: string };

const ALREADY_ACTIVE = "A hunt is already running on this issue. Finish it, or end it with `/locate cancel`, before starting another.";

export async function startHunt(deps: HuntDeps, request: StartRequest): Promise<StartOutcome> {
  const { db } = deps.store;
  const { repo, config, options } = request;
  if (await findActiveHunt(db, repo.id, request.issueNumber)) return { kind: "rejected", reply: ALREADY_ACTIVE };

  const repro = request.repro ?? null;
  const inputs = { ...config.inputs, ...options.inputs, ...reproInputs(repro) };
  const inputsProblem = workflowInputsProblem(inputs);
  if (inputsProblem && repro) return { kind: "rejected", reply: reproTooLargeReply(inputsProblem, repro) };
  if (inputsProblem) return { kind: "rejected", reply: `${inputsProblem} (counting the \`inputs:\` of .github/locate.yml)` };

  const filter = { ...config.tags, ...(options.filter ? { include: options.filter } : {}) };
  const source = versionsSourceFromEnv(deps.log);
  const outcome = await resolveRangeVersions(deps.gh, repo, { good: request.good, bad: request.bad, filter, source }, deps.log);
  deps.log.info({ ...outcome.cost, outcome: outcome.kind }, "versions resolved");
  if (outcome.kind === "too-large") {
    return {
      kind: "rejected",
      reply: `The range ${inlineCode(request.good)}..${inlineCode(request.bad)} holds ${outcome.totalCommits} commits, more than Locate reads in one go. Start from a closer good tag.`,
    };
  }
  if (outcome.kind === "rejected") return { kind: "rejected", reply: describeResolveError(outcome.error) };
  const resolved = outcome;

  const workflow = options.workflow ?? config.workflow;
  try {
    const hunt = await insertHunt(
      db,
      {
        installationId: request.installationId,
        repoId: repo.id,
        owner: repo.owner,
        repo: repo.repo,
        repoUrl: repo.htmlUrl,
        issueNumber: request.issueNumber,
        mode: "tags",
        good: request.good,
        bad: request.bad,
        state: "searching",
        autopilot: options.auto ?? false,
        workflow,
        dispatchRef: config["dispatch-ref"] ?? repo.defaultBranch,
        inputs,
        parallel: options.parallel ?? config.parallel,
        confidence: options.confidence ?? config.confidence,
        flakeRate: options.flakeRate ?? config["flake-rate"],
        flakeHistory: (await readFlakeHistory(db, repo.id, workflow)) ?? null,
        candidates: config.candidates,
        maxRuns: config["max-runs"],
        timeoutMinutes: config["timeout-minutes"],
        permission: config.permission,
        skipSteps: [...config["skip-steps"]],
        notify: config.notify,
        createdBy: request.sender,
      },
      resolved.versions.map((version) => ({ names: [...version.names], sha: version.sha })),
    );
    await recordEvent(db, hunt.id, request.sender, "start", { good: request.good, bad: request.bad, versions: resolved.versions.length });
    deps.log.info({ huntId: hunt.id, versions: resolved.versions.length }, "hunt started");
    return { kind: "started", huntId: hunt.id };
  } catch (error) {
    if (error instanceof ActiveHuntExists) return { kind: "rejected", reply: ALREADY_ACTIVE };
    throw error;
  }
}
