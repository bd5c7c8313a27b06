// End to end: a maintainer ticks the ⭐ picks by hand each round until Locate names the hidden first bad tag.
import { describe, expect, it } from "vitest";
import { findState, parseResultMarker } from "../../src/render/markers.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { bodyOf, expectCleanRun, expectFound, isOffered, settle, startE2E, startHunt, suggestedPicks, waitForVerdictsShown } from "./harness.js";

const MAX_ROUNDS = 10;

/**
 * Ticks each pick the way a person clicks: one edit at a time, each once Locate has handled the previous one. A pick
 * that a verdict meanwhile decided (it left the candidates) is not ticked; one ticked just before that is not run.
 */
async function tickPicks(sb: Sandbox, commentId: number, user: string): Promise<void> {
  for (const tag of suggestedPicks(bodyOf(sb, commentId))) {
    if (!isOffered(bodyOf(sb, commentId), tag)) continue;
    await sb.tick({ commentId, user, tag });
    // Probot answers a webhook after its handler ran, so once deliveries are idle the tick has been acted on.
    await sb.idle();
  }
}

describe("manual hunt over HTTP", () => {
  it("finds the hidden first bad tag when a maintainer ticks the suggested picks each round", { timeout: 60_000 }, async () => {
    // PGlite in a temp dir, as `npm start` runs without DATABASE_URL; the other scenarios use Postgres, which starts faster.
    const e2e = await startE2E({ history: { tags: 30 }, seed: 11, permissions: { alice: "write" }, database: "pglite" });
    const { sb } = e2e;
    const first = sb.tags[0]!.name;
    const last = sb.tags[sb.tags.length - 1]!.name;
    const { commentId } = await startHunt(sb, "alice", `/locate ${first}..${last}`);

    let rounds = 0;
    while (findState(bodyOf(sb, commentId)) === "searching") {
      expect(rounds++, "rounds before found").toBeLessThan(MAX_ROUNDS);
      const runsBefore = sb.runs.length;
      await tickPicks(sb, commentId, "alice");
      // Nothing is in flight when a round starts, so at least its first pick is still open and runs.
      expect(sb.runs.length, "runs dispatched this round").toBeGreaterThan(runsBefore);
      await settle(sb);
      await waitForVerdictsShown(sb, commentId);
    }

    const body = bodyOf(sb, commentId);
    const result = parseResultMarker(body);
    expect(result).not.toBeNull();
    expect(result!.candidates).toEqual([result!.firstBad]);
    expect(result!.firstBad).toBe(sb.firstBad.tag);
    expectFound(sb, body, result!);

    // Each tick dispatched the workflow once, on the default branch, with the tag's commit and a short token; the
    // answer rests on at least two agreeing runs of it.
    expect(sb.runs.filter((run) => run.inputs.tag === result!.firstBad).length).toBeGreaterThanOrEqual(2);
    for (const run of sb.runs) {
      expect(run.dispatchRef).toBe(sb.repo.defaultBranch);
      expect(run.inputs.ref).toBe(sb.tags.find((tag) => tag.name === run.inputs.tag)?.sha);
      expect(run.inputs.locate_id!.length).toBeLessThanOrEqual(64);
      expect(run.returnedToCaller).toBe(true);
      expect(run.actor).toBe(sb.botLogin);
    }
    await settle(sb);
    expectCleanRun(e2e);
  });
});
