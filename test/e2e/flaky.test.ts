// Flaky CI over HTTP (issue 12): the real server against a sandbox whose runs give the wrong verdict 10 % of the time.
// Hunts must still name the hidden first bad tag, sure of it, and a parallel=2 hunt never has more than 2 runs going.
import { describe, expect, it } from "vitest";
import { findState, parseResultMarker } from "../../src/render/markers.js";
import { mostInFlight } from "../../src/sandbox/index.js";
import { bodyOf, expectCleanRun, expectFound, settle, startE2E, startHunt } from "./harness.js";

const SEED = Number(process.env.E2E_FLAKY_SEED ?? 77);

describe("hunts on flaky CI over HTTP", () => {
  it(`name the hidden first bad tag despite flipped runs, within the parallel cap (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const e2e = await startE2E({ history: { tags: 40 }, seed: SEED, flakeRate: 0.1, permissions: { alice: "maintain" }, database: "pglite" });
    const { sb } = e2e;
    const first = sb.tags[0]!.name;
    const last = sb.tags.at(-1)!.name;
    const hunts: Array<{ parallel: number; issue: number; commentId: number }> = [];
    for (const parallel of [2, 3, 2, 3]) hunts.push({ parallel, ...(await startHunt(sb, "alice", `/locate ${first}..${last} auto parallel=${parallel}`)) });

    await sb.waitFor(() => hunts.every((h) => findState(bodyOf(sb, h.commentId)) !== "searching"), { timeoutMs: 90_000, message: "every hunt to end" });

    let right = 0;
    for (const hunt of hunts) {
      const body = bodyOf(sb, hunt.commentId);
      const result = parseResultMarker(body);
      expect(findState(body)).toBe("found");
      expect(result!.confidence).toBeGreaterThanOrEqual(0.99);
      if (result!.firstBad === sb.firstBad.tag) {
        expectFound(sb, body, result!);
        right++;
      }
      const huntId = /<!-- locate:hunt:(\d+) -->/.exec(body)![1];
      const runs = sb.runs.filter((run) => run.inputs.locate_id?.startsWith(`loc-${huntId}-`));
      expect(mostInFlight(runs), `runs in flight at once, parallel=${hunt.parallel}`).toBeLessThanOrEqual(hunt.parallel);
    }
    // The core names the right tag in ≥ 97 % of such hunts (bench table 1); a broken weighing misses far more often.
    expect(right).toBeGreaterThanOrEqual(hunts.length - 1);
    // Flipped runs happened, and were weighed rather than believed.
    expect(sb.runs.filter((run) => run.outcome === "flake").length).toBeGreaterThan(0);
    await settle(sb);
    expectCleanRun(e2e);
  });
});
