// End to end against an older GitHub Enterprise Server: dispatch rejects return_run_details, runs are matched by display_title.
import { describe, expect, it } from "vitest";
import { parseResultMarker } from "../../src/render/markers.js";
import { expectCleanRun, expectFound, settle, startE2E, startHunt, waitForEnd, waitForVerdictsShown } from "./harness.js";

const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";

describe("legacy dispatch over HTTP", () => {
  it("falls back to a plain dispatch, correlates runs by their token and finds the hidden first bad tag", { timeout: 60_000 }, async () => {
    const e2e = await startE2E({ history: { tags: 24 }, seed: 5, dispatchMode: "legacy", permissions: { alice: "write" }, database: "postgres" });
    const { sb } = e2e;
    const first = sb.tags[0]!.name;
    const last = sb.tags[sb.tags.length - 1]!.name;
    const { commentId } = await startHunt(sb, "alice", `/locate ${first}..${last}`);
    await sb.tick({ commentId, user: "alice", marker: "locate:auto" });
    const body = await waitForEnd(sb, commentId);

    const result = parseResultMarker(body);
    expect(result).not.toBeNull();
    expect(result!.firstBad).toBe(sb.firstBad.tag);
    expectFound(sb, body, result!);

    const dispatches = sb.requests.filter((r) => r.route === DISPATCH);
    const rejected = dispatches.filter((r) => r.status === 422);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    for (const request of rejected) expect(request.body).toHaveProperty("return_run_details", true);
    // Once the server is known to reject the field, Locate stops sending it.
    const afterFirstRejection = dispatches.slice(dispatches.indexOf(rejected[0]!) + 1);
    expect(afterFirstRejection.filter((r) => r.status === 422)).toHaveLength(rejected.length - 1);
    expect(afterFirstRejection.filter((r) => r.status === 204).length).toBe(sb.runs.length);

    // No run id came back from a dispatch; each run was recognised by the token in its display title, and the
    // newest run of every tested version is linked from the table.
    await settle(sb);
    const settled = await waitForVerdictsShown(sb, commentId);
    for (const run of sb.runs) {
      expect(run.returnedToCaller).toBe(false);
      expect(run.displayTitle).toBe(`locate ${run.inputs.tag} [${run.inputs.locate_id}]`);
    }
    const newestPerTag = new Map(sb.runs.map((run) => [run.inputs.tag, run.id]));
    for (const runId of newestPerTag.values()) expect(settled).toContain(`${sb.repo.htmlUrl}/actions/runs/${runId}`);
    expectCleanRun(e2e, (request) => request.route === DISPATCH && request.status === 422);
  });
});
