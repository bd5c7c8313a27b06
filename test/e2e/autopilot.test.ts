// End to end: ticking the auto-pilot item alone runs rounds of k picks until the hidden first bad tag is named (Postgres store).
import { describe, expect, it } from "vitest";
import { parseResultMarker } from "../../src/render/markers.js";
import { mostInFlight } from "../../src/sandbox/index.js";
import { expectCleanRun, expectFound, settle, startE2E, startHunt, waitForEnd, waitForVerdictsShown } from "./harness.js";

describe("auto-pilot over HTTP", () => {
  it("runs parallel=2 rounds from one tick of the auto-pilot item to the hidden first bad tag", { timeout: 60_000 }, async () => {
    const e2e = await startE2E({ history: { tags: 60 }, seed: 23, permissions: { alice: "maintain" }, database: "postgres" });
    const { sb } = e2e;
    const first = sb.tags[0]!.name;
    const last = sb.tags[sb.tags.length - 1]!.name;
    const { commentId } = await startHunt(sb, "alice", `/locate ${first}..${last} parallel=2`);
    expect(sb.runs).toHaveLength(0);

    await sb.tick({ commentId, user: "alice", marker: "locate:auto" });
    const body = await waitForEnd(sb, commentId);

    const result = parseResultMarker(body);
    expect(result).not.toBeNull();
    expect(result!.firstBad).toBe(sb.firstBad.tag);
    expect(result!.candidates).toHaveLength(1);
    expectFound(sb, body, result!);

    // Two picks split the range in three: bisection needs ⌈log₃ 60⌉ = 4 rounds. Weighing runs as evidence, the answer
    // waits for two agreeing runs either side of the boundary: a round or two more, never more than 2 runs at once.
    const round = Number(/Round (\d+)/.exec(body)?.[1]);
    expect(round).toBeGreaterThanOrEqual(1);
    expect(round).toBeLessThanOrEqual(4 + 3);
    expect(sb.runs.length).toBeLessThanOrEqual(2 * (4 + 3));
    expect(mostInFlight(sb.runs)).toBeLessThanOrEqual(2);
    expect(result!.confidence).toBeGreaterThanOrEqual(0.99);

    // Runs still in flight when the answer came are reported too: the comment ends with every verdict shown.
    await settle(sb);
    await waitForVerdictsShown(sb, commentId);
    expectCleanRun(e2e);
  });
});
