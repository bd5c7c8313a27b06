// The commands that act on an existing hunt (§2): verdicts by hand, retry, auto-pilot, pause, cancel, status.
import type { Command } from "../commands/types.js";
import { type HuntSnapshot, loadSnapshot, recordEvent, updateHunt } from "../db/queries/hunts.js";
import { insertRun } from "../db/queries/runs.js";
import type { HuntRow } from "../db/schema.js";
import { metrics } from "../observability/metrics.js";
import { inlineCode } from "../render/escape.js";
import { type HuntDeps, advanceHunt, cancelRunsInFlight } from "./engine.js";
import { reconcileRuns } from "./reconcile.js";
import { isInFlight } from "./snapshot.js";

/** A reply for the issue, or null when the comment update says it all. */
export type ActionOutcome = string | null;

/** Commands on an existing hunt; `commits` starts a new one instead (src/hunt/commits.ts). */
export type HuntCommand = Exclude<Command, { kind: "start" } | { kind: "help" } | { kind: "commits" }>;

/** Which states each command makes sense in; the reply says why not otherwise. */
function stateProblem(hunt: HuntRow, command: HuntCommand): string | null {
  const active = hunt.state === "searching" || hunt.state === "paused";
  if (command.kind === "status") return null;
  if (!active) return `This hunt is already ${hunt.state}; start a new one with \`/locate <good>..<bad>\`.`;
  if (command.kind === "pause" && hunt.state === "paused") return "The hunt is already paused; `/locate resume` continues it.";
  if (command.kind === "resume" && hunt.state === "searching") return "The hunt is not paused.";
  return null;
}

function positionOf(snapshot: HuntSnapshot, tag: string): number | undefined {
  const index = snapshot.versions.findIndex((version) => version.names.includes(tag));
  return index < 0 ? undefined : index;
}

function unknownVersion(snapshot: HuntSnapshot, tag: string): string {
  return `${inlineCode(tag)} is not one of the ${snapshot.versions.length} versions of this hunt (${inlineCode(snapshot.hunt.good)}..${inlineCode(snapshot.hunt.bad)}).`;
}

/** Applies a command to a hunt; the caller holds the hunt's lock and has checked permissions. */
export async function applyHuntCommand(deps: HuntDeps, huntId: number, command: HuntCommand, actor: string): Promise<ActionOutcome> {
  const { db } = deps.store;
  const snapshot = await loadSnapshot(db, huntId);
  if (!snapshot) return "This hunt no longer exists.";
  const { hunt } = snapshot;
  const problem = stateProblem(hunt, command);
  if (problem) return problem;

  switch (command.kind) {
    case "status":
      await reconcileRuns(deps, snapshot);
      await advanceHunt(deps, huntId);
      return null;
    case "verdict": {
      const position = positionOf(snapshot, command.tag);
      if (position === undefined) return unknownVersion(snapshot, command.tag);
      await insertRun(db, {
        huntId,
        position,
        token: null,
        round: 0,
        status: "completed",
        verdict: command.verdict === "skip" ? "inconclusive" : command.verdict,
        manualBy: actor,
        note: command.note,
      });
      await recordEvent(db, huntId, actor, `manual-${command.verdict}`, { tag: command.tag });
      metrics.countVerdict(command.verdict);
      await advanceHunt(deps, huntId);
      return null;
    }
    case "retry": {
      const position = positionOf(snapshot, command.tag);
      if (position === undefined) return unknownVersion(snapshot, command.tag);
      if (hunt.state === "paused") return "The hunt is paused; `/locate resume` first.";
      if (snapshot.runs.some((run) => run.position === position && isInFlight(run))) return `A run of ${inlineCode(command.tag)} is already in flight.`;
      await recordEvent(db, huntId, actor, "retry", { tag: command.tag });
      await advanceHunt(deps, huntId, { retry: position });
      return null;
    }
    case "auto":
    case "manual":
      await updateHunt(db, huntId, { autopilot: command.kind === "auto" });
      await recordEvent(db, huntId, actor, command.kind);
      await advanceHunt(deps, huntId);
      return null;
    case "pause":
      await updateHunt(db, huntId, { state: "paused", notice: `Paused by @${actor}; runs in flight still report. \`/locate resume\` continues.` });
      await recordEvent(db, huntId, actor, "pause");
      await advanceHunt(deps, huntId);
      return null;
    case "resume":
      await updateHunt(db, huntId, { state: "searching", notice: null });
      await recordEvent(db, huntId, actor, "resume");
      await advanceHunt(deps, huntId);
      return null;
    case "cancel": {
      const cancelled = await db.transaction(async (tx) => {
        await updateHunt(tx, huntId, { state: "cancelled", notice: `Cancelled by @${actor}.` });
        await recordEvent(tx, huntId, actor, "cancel");
        return cancelRunsInFlight(tx, snapshot);
      });
      return cancelled > 0 ? `Cancelled the hunt and ${cancelled} run${cancelled === 1 ? "" : "s"} in flight.` : null;
    }
  }
}
