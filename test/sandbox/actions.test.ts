// Sandbox Actions: dispatch in both modes and its 4xx answers, run lifecycle webhooks, verdict truth, cancel, run lists, big run ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { appOctokit, failure, ownerRepo, webhookReceiver } from "./support.js";
import type { Receiver } from "./support.js";

let sb: Sandbox;
let legacy: Sandbox;
let hooks: Receiver;
beforeAll(async () => {
  [sb, legacy] = await Promise.all([
    startSandbox({ history: { tags: 10 }, firstBad: "v0.6.0", runDuration: { minMs: 150, maxMs: 250 } }),
    startSandbox({ history: { tags: 4 }, dispatchMode: "legacy", runDuration: { minMs: 10, maxMs: 20 } }),
  ]);
  hooks = await webhookReceiver(sb.env.WEBHOOK_SECRET);
  sb.setWebhookTarget(hooks.url);
});
afterAll(async () => {
  await Promise.all([sb.close(), legacy.close(), hooks.close()]);
});

const sha = (s: Sandbox, tag: string) => s.tags.find((t) => t.name === tag)!.sha;

function dispatch(s: Sandbox, tag: string, extra: Record<string, unknown> = {}) {
  return appOctokit(s).request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    ...ownerRepo(s),
    workflow_id: "locate.yml",
    ref: s.repo.defaultBranch,
    inputs: { ref: sha(s, tag), tag, locate_id: `hunt1-${tag}` },
    return_run_details: true,
    ...extra,
  } as never) as Promise<{ status: number; data: { workflow_run_id: number; run_url: string; html_url: string } }>;
}

describe("workflow dispatch", () => {
  it("details mode answers 200 with the run id, above 2^32", async () => {
    const res = await dispatch(sb, "v0.3.0");
    expect(res.status).toBe(200);
    expect(res.data.workflow_run_id).toBeGreaterThan(2 ** 32);
    expect(Number.isSafeInteger(res.data.workflow_run_id)).toBe(true);
    expect(res.data.run_url).toBe(`${sb.url}/api/v3/repos/${sb.repo.owner}/${sb.repo.name}/actions/runs/${res.data.workflow_run_id}`);
    const run = sb.runs.find((r) => r.id === res.data.workflow_run_id)!;
    expect(run.displayTitle).toBe("locate v0.3.0 [hunt1-v0.3.0]");
    expect(run.headSha).toBe(sb.repo.defaultBranchSha);
    // And back by id over the API, as a number that survived JSON both ways.
    const { data } = await appOctokit(sb).actions.getWorkflowRun({ ...ownerRepo(sb), run_id: res.data.workflow_run_id });
    expect(data.id).toBe(res.data.workflow_run_id);
    expect(data.display_title).toBe("locate v0.3.0 [hunt1-v0.3.0]");
  });

  it("204 without return_run_details", async () => {
    const res = await dispatch(sb, "v0.2.0", { return_run_details: undefined });
    expect(res.status).toBe(204);
  });

  it("legacy mode rejects return_run_details with 422, then 204 without it", async () => {
    const rejected = await failure(dispatch(legacy, "v0.2.0"));
    expect(rejected.status).toBe(422);
    expect(rejected.message).toContain("return_run_details");
    expect(legacy.runs).toHaveLength(0);
    const res = await dispatch(legacy, "v0.2.0", { return_run_details: undefined });
    expect(res.status).toBe(204);
    expect(legacy.runs).toHaveLength(1);
    expect(legacy.runs[0]!.displayTitle).toBe("locate v0.2.0 [hunt1-v0.2.0]");
  });

  it("404 for an unknown workflow; 422 for missing, unexpected inputs and bad refs; numeric id works", async () => {
    const octokit = appOctokit(sb);
    const post = (body: Record<string, unknown>, workflow_id: string | number = "locate.yml") =>
      octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", { ...ownerRepo(sb), workflow_id, ...body } as never);
    const unknown = await failure(post({ ref: "main", inputs: { ref: "x", tag: "y" } }, "nope.yml"));
    expect([unknown.status, unknown.data.message]).toEqual([404, "Not Found"]);
    const missing = await failure(post({ ref: "main", inputs: { ref: "abc" } }));
    expect([missing.status, missing.data.message]).toEqual([422, "Required input 'tag' not provided"]);
    const unexpected = await failure(post({ ref: "main", inputs: { ref: "a", tag: "b", extra: "c" } }));
    expect([unexpected.status, unexpected.data.message]).toEqual([422, 'Unexpected inputs provided: ["extra"]']);
    const badRef = await failure(post({ ref: "no-such-branch", inputs: { ref: "a", tag: "b" } }));
    expect([badRef.status, badRef.data.message]).toEqual([422, "No ref found for: no-such-branch"]);
    const noRef = await failure(post({ inputs: { ref: "a", tag: "b" } }));
    expect([noRef.status, noRef.data.message]).toEqual([422, 'Invalid request.\n\n"ref" wasn\'t supplied.']);
    const ok = await post({ ref: "main", inputs: { ref: sha(sb, "v0.1.0"), tag: "v0.1.0" } }, sb.workflow!.id);
    expect(ok.status).toBe(204);
  });

  it("OpenAPI validation rejects an unknown body field", async () => {
    const res = await failure(dispatch(sb, "v0.2.0", { bogus: true }));
    expect(res.status).toBe(422);
    expect(res.data.message).toBe('Invalid request.\n\n"bogus" is not a permitted key.');
  });
});

describe("run lifecycle", () => {
  it("delivers requested → in_progress → completed, in order, with the §4 fields", async () => {
    const { data } = await dispatch(sb, "v0.7.0");
    const id = data.workflow_run_id;
    const events = await sb.waitFor(() => {
      const mine = hooks.events.filter((e) => e.event === "workflow_run" && e.payload.workflow_run.id === id);
      return mine.length === 3 && mine;
    });
    expect(events.map((e) => e.action)).toEqual(["requested", "in_progress", "completed"]);
    expect(events.map((e) => e.payload.workflow_run.status)).toEqual(["queued", "in_progress", "completed"]);
    const done = events[2]!.payload;
    expect(done.workflow_run).toMatchObject({
      id,
      run_attempt: 1,
      conclusion: "failure", // v0.7.0 descends from the hidden first bad v0.6.0
      display_title: "locate v0.7.0 [hunt1-v0.7.0]",
      path: ".github/workflows/locate.yml",
      workflow_id: sb.workflow!.id,
      head_branch: sb.repo.defaultBranch,
      head_sha: sb.repo.defaultBranchSha,
      event: "workflow_dispatch",
      actor: { login: sb.botLogin, type: "Bot" },
      triggering_actor: { login: sb.botLogin },
    });
    expect(done.workflow_run.html_url).toBe(`${sb.url}/${sb.repo.owner}/${sb.repo.name}/actions/runs/${id}`);
    expect(done.workflow).toMatchObject({ id: sb.workflow!.id, path: ".github/workflows/locate.yml" });
    expect(done.sender).toMatchObject({ login: sb.botLogin, type: "Bot" });
    expect(done.installation.id).toBe(sb.installationId);
    expect(events.every((e) => e.signatureValid)).toBe(true);
  });

  it("concludes from the hidden first bad: failure at and after it, success before", async () => {
    const ids = await Promise.all(["v0.5.0", "v0.6.0", "v0.10.0"].map((t) => dispatch(sb, t).then((r) => r.data.workflow_run_id)));
    const runs = await sb.waitFor(() => {
      const found = ids.map((id) => sb.runs.find((r) => r.id === id)!);
      return found.every((r) => r.status === "completed") && found;
    });
    expect(runs.map((r) => [r.inputs.tag, r.verdictTruth, r.conclusion])).toEqual([
      ["v0.5.0", "good", "success"],
      ["v0.6.0", "bad", "failure"],
      ["v0.10.0", "bad", "failure"],
    ]);
    expect(sb.firstBad).toEqual({ tag: "v0.6.0", sha: sha(sb, "v0.6.0") });
  });

  it("cancel answers 202 and the run completes as cancelled; 409 once completed", async () => {
    const octokit = appOctokit(sb);
    sb.inject({ route: () => false, status: 500 }); // an injection that never matches must not disturb anything
    const { data } = await dispatch(sb, "v0.4.0");
    const res = await octokit.actions.cancelWorkflowRun({ ...ownerRepo(sb), run_id: data.workflow_run_id });
    expect(res.status).toBe(202);
    const done = await sb.waitFor(() => hooks.events.find((e) => e.action === "completed" && e.payload.workflow_run.id === data.workflow_run_id));
    expect(done.payload.workflow_run.conclusion).toBe("cancelled");
    const again = await failure(octokit.actions.cancelWorkflowRun({ ...ownerRepo(sb), run_id: data.workflow_run_id }));
    expect(again.status).toBe(409);
    expect((await failure(octokit.actions.cancelWorkflowRun({ ...ownerRepo(sb), run_id: 1 }))).status).toBe(404);
  });

  it("lists runs newest first with status, event, created filters and pagination", async () => {
    const octokit = appOctokit(sb);
    await sb.waitFor(() => sb.runs.every((r) => r.status === "completed"));
    const all = await octokit.actions.listWorkflowRunsForRepo({ ...ownerRepo(sb), per_page: 100 });
    expect(all.data.total_count).toBe(sb.runs.length);
    const ids = all.data.workflow_runs.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const failed = await octokit.actions.listWorkflowRuns({ ...ownerRepo(sb), workflow_id: "locate.yml", status: "failure" });
    expect(failed.data.workflow_runs.every((r) => r.conclusion === "failure")).toBe(true);
    expect(failed.data.total_count).toBe(sb.runs.filter((r) => r.conclusion === "failure").length);
    const today = new Date().toISOString().slice(0, 10);
    const created = await octokit.actions.listWorkflowRunsForRepo({ ...ownerRepo(sb), event: "workflow_dispatch", created: `>=${today}` });
    expect(created.data.total_count).toBe(sb.runs.length);
    const none = await octokit.actions.listWorkflowRunsForRepo({ ...ownerRepo(sb), created: "<2001-01-01" });
    expect(none.data.total_count).toBe(0);
    const paged = await octokit.actions.listWorkflowRunsForRepo({ ...ownerRepo(sb), per_page: 2 });
    expect(paged.data.workflow_runs).toHaveLength(2);
    expect(paged.headers.link).toContain('rel="next"');
    const badStatus = await failure(octokit.actions.listWorkflowRunsForRepo({ ...ownerRepo(sb), status: "bogus" as never }));
    expect(badStatus.status).toBe(422);
    expect((await failure(octokit.actions.listWorkflowRuns({ ...ownerRepo(sb), workflow_id: "other.yml" }))).status).toBe(404);
  });

  it("finishRun ends a run now, for tests that want control", async () => {
    const { data } = await dispatch(sb, "v0.8.0");
    const run = sb.finishRun(data.workflow_run_id, "timed_out");
    expect([run.status, run.conclusion, run.outcome]).toEqual(["completed", "timed_out", "forced"]);
  });
});

describe("randomness", () => {
  it("flakes and inconclusive runs are reproducible from the seed", async () => {
    const conclusions = async () => {
      const s = await startSandbox({ history: { tags: 8 }, seed: 7, flakeRate: 0.3, inconclusiveRate: 0.3, runDuration: { minMs: 0, maxMs: 5 } });
      try {
        await Promise.all(s.tags.map((t) => dispatch(s, t.name)));
        await s.waitFor(() => s.runs.every((r) => r.status === "completed"));
        return s.runs.map((r) => `${r.inputs.tag}:${r.conclusion}:${r.outcome}`).sort();
      } finally {
        await s.close();
      }
    };
    const [a, b] = await Promise.all([conclusions(), conclusions()]);
    expect(a).toEqual(b);
    expect(a.some((x) => x.endsWith(":truth"))).toBe(true);
    expect(a.some((x) => !x.endsWith(":truth"))).toBe(true);
  });
});
