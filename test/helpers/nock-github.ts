// A small stateful GitHub behind nock for integration tests: a linear repository with tags, issue comments,
// permissions and workflow dispatch. Requests nothing here models are collected as `unmatched` and fail the test.
// GraphQL is answered by the sandbox's executor (checked against GitHub's schema) over this same history.
import { expect } from "vitest";
import nock from "nock";
import { Comparisons } from "../../src/sandbox/comparisons.js";
import { type GraphqlRepository, runGraphql } from "../../src/sandbox/graphql.js";
import { Graph } from "../../src/sandbox/history.js";
import { REPO } from "./payloads.js";

export const API = "https://api.github.com";

export interface NockGitHubOptions {
  /** Number of tags, v1.0.0, v1.1.0, …, each two commits after the previous one. */
  readonly tags: number;
  /** Index of the first bad tag (runs on it and after it fail). */
  readonly firstBad: number;
  readonly dispatchMode?: "details" | "legacy";
  /** Repository roles by login; anyone else has read. */
  readonly roles?: Record<string, string>;
  /** The workflow's declared `workflow_dispatch` inputs; others get GitHub's 422. Default: anything goes. */
  readonly declaredInputs?: readonly string[];
}

export interface Dispatch {
  readonly inputs: Record<string, string>;
  readonly ref: string;
  readonly runId: number;
  readonly returnRunDetails: boolean;
}

function sha(n: number): string {
  return n.toString(16).padStart(8, "0").repeat(5);
}

export class NockGitHub {
  readonly commits: { sha: string; parents: string[]; date: string; title: string }[] = [];
  readonly tags: { name: string; sha: string; index: number }[] = [];
  /** Every comment body written, by id. */
  readonly comments = new Map<number, { issue: number; body: string }>();
  readonly dispatches: Dispatch[] = [];
  /** Runs whose `completed` webhook a test has delivered (HuntDriver counts them), and the most ever in flight. */
  completedRuns = 0;
  maxInFlight = 0;
  readonly reactions: string[] = [];
  readonly permissionLookups: string[] = [];
  readonly unmatched: string[] = [];
  readonly cancelled: number[] = [];
  /** What `GET /actions/runs/{id}` answers, by run id; runs not listed here are still queued. */
  readonly runState = new Map<number, { status: string; conclusion: string | null }>();
  readonly requests: string[] = [];
  #nextCommentId = 7_000_000_001;
  #nextRunId = 9_000_000_001;

  constructor(readonly options: NockGitHubOptions) {
    for (let i = 0; i < options.tags * 2; i++) {
      this.commits.push({ sha: sha(i + 1), parents: i === 0 ? [] : [sha(i)], date: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(), title: `Change number ${i}` });
    }
    for (let t = 0; t < options.tags; t++) this.tags.push({ name: `v1.${t}.0`, sha: sha(t * 2 + 1), index: t });
    nock.disableNetConnect();
    // nock 15 reports an unmatched request as a fetch Request.
    nock.emitter.on("no match", (req: Request) => {
      this.unmatched.push(`${req.method} ${new URL(req.url).pathname}`);
    });
    this.#intercept();
  }

  /** The history as the sandbox's GraphQL executor sees it, with this helper's own titles. */
  #graphqlRepository(): GraphqlRepository {
    const graph = new Graph({
      repo: `${REPO.owner}/${REPO.repo}`,
      defaultBranch: "main",
      defaultBranchSha: this.commits.at(-1)?.sha ?? "",
      commits: this.commits.map((c) => [c.sha, c.parents, Date.parse(c.date) / 1000]),
      tags: this.tags.map((t) => ({ name: t.name, sha: t.sha, date: Date.parse(this.commits[t.index * 2]?.date ?? "") / 1000, annotated: false })),
    });
    return {
      repo: { owner: { login: REPO.owner }, name: REPO.repo },
      graph,
      commitInfo: (index) => ({ message: `${this.commits[index]?.title ?? ""}\n\nbody`, author: { name: "Dev", email: "dev@example.com", login: "dev" } }),
    };
  }

  /** Conclusions to report instead of the truth, per tested name, used up one run at a time (flaky or broken runs). */
  readonly forced = new Map<string, string[]>();

  /** What a run reports: a forced conclusion if one is queued for its name, otherwise the truth. */
  conclusionFor(dispatch: Dispatch): string {
    const queued = this.forced.get(dispatch.inputs.tag!);
    const conclusion = queued?.shift() ?? this.truthFor(dispatch.inputs.ref!);
    this.concluded.set(dispatch.runId, conclusion);
    return conclusion;
  }

  /** The conclusion each reported run ended with, by run id: what its jobs say. */
  readonly concluded = new Map<number, string>();
  /** The step that fails in a failing run, by tested name; default `Reproduce`. */
  readonly failingStep = new Map<string, string>();
  /** Annotations of the failed job, by tested name, besides GitHub's own "Process completed with exit code 1.". */
  readonly annotations = new Map<string, { level: "notice" | "warning" | "failure"; title?: string; message: string }[]>();
  /** Statuses to answer instead, for the optional lookups: "jobs", "annotations", "pulls", "compare" (the found summary only). */
  readonly faults = new Map<"jobs" | "annotations" | "pulls" | "compare", number>();
  static readonly STEPS = ["Set up job", "Run actions/checkout@v4", "Install dependencies", "Build", "Reproduce", "Complete job"];

  /** A job as `GET /actions/runs/{id}/jobs` lists it (@octokit/openapi's job schema, the fields Locate reads and the required rest). */
  #jobJson(runId: number) {
    const dispatch = this.dispatches.find((d) => d.runId === runId);
    const conclusion = this.concluded.get(runId) ?? null;
    const failing = this.failingStep.get(dispatch?.inputs.tag ?? "") ?? "Reproduce";
    // A failing step the workflow does not have by default runs just before the reproduction.
    const steps = NockGitHub.STEPS.includes(failing) ? NockGitHub.STEPS : [...NockGitHub.STEPS.slice(0, 4), failing, ...NockGitHub.STEPS.slice(4)];
    const failedAt = conclusion === "success" || conclusion === null ? -1 : steps.indexOf(failing);
    const stepConclusion = (i: number) => (failedAt < 0 || i < failedAt || i === steps.length - 1 ? "success" : i === failedAt ? (conclusion === "failure" ? "failure" : "cancelled") : "skipped");
    const jobId = runId + 1_000_000_000;
    const at = "2024-01-01T00:00:00Z";
    return {
      id: jobId,
      node_id: `CR_${jobId}`,
      run_id: runId,
      run_url: `${API}/repos/${REPO.owner}/${REPO.repo}/actions/runs/${runId}`,
      head_sha: dispatch?.inputs.ref ?? "",
      workflow_name: "locate",
      head_branch: "main",
      name: "repro",
      url: `${API}/repos/${REPO.owner}/${REPO.repo}/actions/jobs/${jobId}`,
      html_url: `${REPO.htmlUrl}/actions/runs/${runId}/job/${jobId}`,
      status: conclusion === null ? "in_progress" : "completed",
      conclusion,
      started_at: at,
      completed_at: conclusion === null ? null : at,
      check_run_url: `${API}/repos/${REPO.owner}/${REPO.repo}/check-runs/${jobId}`,
      labels: ["ubuntu-latest"],
      runner_id: 1,
      runner_name: "GitHub Actions 1",
      runner_group_id: 1,
      runner_group_name: "GitHub Actions",
      created_at: at,
      steps: steps.map((name, i) => ({ name, number: i + 1, status: "completed", conclusion: stepConclusion(i), started_at: at, completed_at: at })),
    };
  }

  /** The tag a run of this commit tests, and whether the hidden first bad tag is at or before it. */
  truthFor(ref: string): "success" | "failure" {
    const index = this.commits.findIndex((c) => c.sha === ref);
    const firstBad = this.tags[this.options.firstBad];
    if (index < 0 || !firstBad) throw new Error(`unknown ref ${ref}`);
    return index >= this.commits.findIndex((c) => c.sha === firstBad.sha) ? "failure" : "success";
  }

  /** The hunt comment: the newest comment that carries a hunt marker. */
  huntComment(): { id: number; body: string } {
    const found = [...this.comments.entries()].filter(([, c]) => c.body.includes("<!-- locate:hunt:")).pop();
    if (!found) throw new Error("no hunt comment was posted");
    return { id: found[0], body: found[1].body };
  }

  /** Comments that are neither the hunt comment nor a notification: Locate's replies. */
  replies(): string[] {
    return [...this.comments.values()].filter((c) => !c.body.includes("<!-- locate:hunt:") && !c.body.includes("<!-- locate:notify:")).map((c) => c.body);
  }

  /** The comments that tell the starter a hunt ended or waits for them (issue 14). */
  notifications(): string[] {
    return [...this.comments.values()].filter((c) => c.body.includes("<!-- locate:notify:")).map((c) => c.body);
  }

  #commitJson(index: number) {
    const c = this.commits[index]!;
    return {
      sha: c.sha,
      commit: { message: `${c.title}\n\nbody`, author: { name: "Dev", date: c.date }, committer: { name: "Dev", date: c.date } },
      author: { login: "dev" },
      parents: c.parents.map((p) => ({ sha: p })),
    };
  }

  #intercept(): void {
    const base = `/repos/${REPO.owner}/${REPO.repo}`;
    const scope = nock(API).persist();
    let graphql: { repository: GraphqlRepository; comparisons: Comparisons } | undefined;
    scope.post("/graphql").reply(fromRequest((_uri, body) => {
      this.requests.push("POST /graphql");
      if (!graphql) {
        const repository = this.#graphqlRepository();
        graphql = { repository, comparisons: new Comparisons(repository.graph) };
      }
      const result = runGraphql(graphql.repository, graphql.comparisons, body as nock.Body);
      return [result.status, result.body] as [number, unknown];
    }));
    scope
      .get((uri) => uri.startsWith(`${base}/tags`))
      .reply(200, fromRequest((uri) => {
        this.requests.push(`GET ${uri.split("?")[0]}`);
        return this.tags.map((t) => ({ name: t.name, commit: { sha: t.sha } }));
      }));

    scope
      .get((uri) => uri.startsWith(`${base}/compare/`))
      .reply(fromRequest((uri) => {
        const url = new URL(uri, API);
        const [baseSha, headSha] = decodeURIComponent(url.pathname.split("/compare/")[1]!).split("...");
        const from = this.commits.findIndex((c) => c.sha === baseSha);
        const to = this.commits.findIndex((c) => c.sha === headSha);
        if (from < 0 || to < 0) return [404, { message: "Not Found" }];
        // The found answer's summary asks for a short page; the range resolution asks for 100 per page.
        const fault = this.faults.get("compare");
        if (fault && url.searchParams.get("per_page") !== "100") return [fault, { message: "Server Error" }];
        const status = from === to ? "identical" : from < to ? "ahead" : "behind";
        const range = from < to ? this.commits.slice(from + 1, to + 1).map((_, i) => this.#commitJson(from + 1 + i)) : [];
        const perPage = Number(url.searchParams.get("per_page") ?? 250);
        const page = Number(url.searchParams.get("page") ?? 1);
        return [
          200,
          {
            status,
            ahead_by: Math.max(0, to - from),
            behind_by: Math.max(0, from - to),
            total_commits: range.length,
            base_commit: this.#commitJson(from),
            merge_base_commit: this.#commitJson(Math.min(from, to)),
            commits: range.slice((page - 1) * perPage, page * perPage),
          },
        ];
      }));

    scope.get((uri) => uri.includes("/contents/")).reply(404, { message: "Not Found" });

    scope.get(new RegExp(`^${base}/actions/runs/\\d+/jobs`)).reply(fromRequest((uri) => {
      this.requests.push(`GET ${uri.split("?")[0]}`);
      const fault = this.faults.get("jobs");
      if (fault) return [fault, { message: fault === 404 ? "Not Found" : "Server Error" }];
      const runId = Number(uri.split("/actions/runs/")[1]!.split("/")[0]);
      return [200, { total_count: 1, jobs: [this.#jobJson(runId)] }];
    }));

    scope.get(new RegExp(`^${base}/check-runs/\\d+/annotations`)).reply(fromRequest((uri) => {
      this.requests.push(`GET ${uri.split("?")[0]}`);
      const fault = this.faults.get("annotations");
      if (fault) return [fault, { message: fault === 404 ? "Not Found" : "Server Error" }];
      const runId = Number(uri.split("/check-runs/")[1]!.split("/")[0]) - 1_000_000_000;
      const tag = this.dispatches.find((d) => d.runId === runId)?.inputs.tag ?? "";
      const own = (this.annotations.get(tag) ?? []).map((a) => ({ level: a.level, title: a.title ?? null, message: a.message }));
      const all = [...own, { level: "failure", title: null, message: "Process completed with exit code 1." }];
      return [200, all.map((a) => ({ path: ".github", blob_href: `${REPO.htmlUrl}/blob/x/.github`, start_line: 1, end_line: 1, start_column: null, end_column: null, annotation_level: a.level, title: a.title, message: a.message, raw_details: null }))];
    }));

    scope.get(new RegExp(`^${base}/commits/[0-9a-f]{40}/pulls`)).reply(fromRequest((uri) => {
      this.requests.push(`GET ${uri.split("?")[0]}`);
      const fault = this.faults.get("pulls");
      if (fault) return [fault, { message: fault === 422 ? "No commit found for SHA" : "Server Error" }];
      const commitSha = uri.split("/commits/")[1]!.slice(0, 40);
      const index = this.commits.findIndex((c) => c.sha === commitSha);
      return [200, index < 0 ? [] : [{ number: 1000 + index, title: `Merge change ${index}`, html_url: `${REPO.htmlUrl}/pull/${1000 + index}`, merged_at: "2024-01-01T00:00:00Z" }]];
    }));

    scope
      .get((uri) => uri.startsWith(`${base}/collaborators/`))
      .reply(fromRequest((uri) => {
        const login = decodeURIComponent(uri.split("/collaborators/")[1]!.split("/")[0]!);
        this.permissionLookups.push(login);
        const role = this.options.roles?.[login] ?? "read";
        return [200, { permission: role === "maintain" ? "write" : role === "triage" ? "read" : role, role_name: role, user: { login } }];
      }));

    scope.post((uri) => uri.includes("/reactions")).reply(201, fromRequest((uri) => {
      this.reactions.push(uri);
      return { id: 1, content: "eyes" };
    }));

    scope.post(new RegExp(`^${base}/issues/\\d+/comments$`)).reply(201, fromRequest((uri, body) => {
      const id = this.#nextCommentId++;
      const issue = Number(uri.split("/issues/")[1]!.split("/")[0]);
      this.comments.set(id, { issue, body: (body as { body: string }).body });
      this.requests.push(`POST ${uri}`);
      return { id, body: (body as { body: string }).body };
    }));

    scope.get(new RegExp(`^${base}/issues/\\d+/comments(\\?|$)`)).reply(fromRequest((uri) => {
      const issue = Number(uri.split("/issues/")[1]!.split("/")[0]);
      this.requests.push(`GET ${uri.split("?")[0]}`);
      return [200, [...this.comments.entries()].filter(([, c]) => c.issue === issue).map(([id, c]) => ({ id, body: c.body }))];
    }));

    scope.patch(new RegExp(`^${base}/issues/comments/\\d+$`)).reply(fromRequest((uri, body) => {
      const id = Number(uri.split("/").pop());
      const comment = this.comments.get(id);
      this.requests.push(`PATCH ${uri}`);
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = (body as { body: string }).body;
      return [200, { id, body: comment.body }];
    }));

    scope.get(new RegExp(`^${base}/actions/runs/\\d+$`)).reply(fromRequest((uri) => {
      const runId = Number(uri.split("/").pop());
      this.requests.push(`GET ${uri}`);
      return this.dispatches.some((d) => d.runId === runId) ? [200, this.#runJson(runId)] : [404, { message: "Not Found" }];
    }));

    scope.post(new RegExp(`^${base}/actions/runs/\\d+/cancel$`)).reply(fromRequest((uri) => {
      const runId = Number(uri.split("/").at(-2));
      this.requests.push(`POST ${uri}`);
      this.cancelled.push(runId);
      return [202, {}];
    }));

    scope.post(new RegExp(`^${base}/actions/workflows/[^/]+/dispatches$`)).reply(fromRequest((uri, raw) => {
      const body = raw as { ref: string; inputs: Record<string, string>; return_run_details?: boolean };
      this.requests.push(`POST ${uri}`);
      const legacy = this.options.dispatchMode === "legacy";
      if (legacy && body.return_run_details !== undefined) {
        return [422, { message: 'Invalid request.\n\n"return_run_details" is not a permitted key.', documentation_url: "https://docs.github.com/rest" }];
      }
      const unexpected = Object.keys(body.inputs ?? {}).filter((name) => this.options.declaredInputs && !this.options.declaredInputs.includes(name));
      if (unexpected.length > 0) {
        // GitHub's own wording, names quoted and joined with ", ".
        return [422, { message: `Unexpected inputs provided: [${unexpected.map((name) => JSON.stringify(name)).join(", ")}]`, documentation_url: "https://docs.github.com/rest" }];
      }
      const runId = this.#nextRunId++;
      this.dispatches.push({ inputs: body.inputs, ref: body.ref, runId, returnRunDetails: body.return_run_details === true });
      this.maxInFlight = Math.max(this.maxInFlight, this.dispatches.length - this.completedRuns);
      if (legacy) return [204, ""];
      return [200, { workflow_run_id: runId, run_url: `${API}${base}/actions/runs/${runId}`, html_url: `${REPO.htmlUrl}/actions/runs/${runId}` }];
    }));
  }

  #runJson(runId: number) {
    const dispatch = this.dispatches.find((d) => d.runId === runId);
    const state = this.runState.get(runId) ?? { status: "queued", conclusion: null };
    return {
      id: runId,
      run_attempt: 1,
      status: state.status,
      conclusion: state.conclusion,
      html_url: `${REPO.htmlUrl}/actions/runs/${runId}`,
      display_title: `locate ${dispatch?.inputs.tag} [${dispatch?.inputs.locate_id}]`,
    };
  }

  close(): void {
    nock.cleanAll();
    nock.emitter.removeAllListeners("no match");
    nock.enableNetConnect();
  }
}

/**
 * nock 15 hands a reply function the fetch Request alone; the handlers above want what they are written
 * against: the path with its query string, and the parsed JSON body (undefined when there is none).
 */
function fromRequest<R>(handler: (uri: string, body: unknown) => R): (request: Request) => Promise<R> {
  return async (request) => {
    const url = new URL(request.url);
    const text = await request.text();
    return handler(url.pathname + url.search, text === "" ? undefined : (JSON.parse(text) as unknown));
  };
}

/** After a test: stops intercepting, and fails the test if the app made a request no route answered. */
export function closeExpectingAllMatched(gh: NockGitHub | undefined): void {
  if (!gh) return;
  const unmatched = gh.unmatched;
  gh.close();
  expect(unmatched).toEqual([]);
}
