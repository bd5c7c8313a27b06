// Sandbox repository endpoints: tags with pagination, compare (synthetic and pallets/flask), commits, pulls, contents, permission.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { appOctokit, failure, ownerRepo } from "./support.js";

/** The shared fixtures sit beside the repository (…/main and …/shared), locally and on CI. */
const FLASK = fileURLToPath(new URL("../../../shared/fixtures/histories/pallets__flask.json.gz", import.meta.url));

let sb: Sandbox;
let flask: Sandbox;
beforeAll(async () => {
  [sb, flask] = await Promise.all([
    startSandbox({ history: { tags: 45 }, config: "parallel: 5\n", permissions: { alice: "maintain", bob: "triage", carol: "none" } }),
    startSandbox({ history: FLASK, firstBad: "2.2.0" }),
  ]);
});
afterAll(async () => {
  await Promise.all([sb.close(), flask.close()]);
});

describe("tags", () => {
  it("pages through every tag with per_page and Link headers", async () => {
    const octokit = appOctokit(sb);
    const first = await octokit.repos.listTags({ ...ownerRepo(sb), per_page: 20 });
    expect(first.data).toHaveLength(20);
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain('page=3>; rel="last"');
    const all = await octokit.paginate(octokit.repos.listTags, { ...ownerRepo(sb), per_page: 20 });
    expect(all.map((t) => t.name).sort()).toEqual(sb.tags.map((t) => t.name).sort());
    expect(all[0]!.name).toBe("v0.45.0"); // numeric-aware, newest first
    const tag = all.find((t) => t.name === "v0.3.0")!;
    expect(tag.commit.sha).toBe(sb.tags.find((t) => t.name === "v0.3.0")!.sha);
    // Octokit follows the Link URLs: 3 pages, plus one token exchange.
    expect(sb.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/tags").length).toBeGreaterThanOrEqual(3);
  });

  it("clamps per_page to 100", async () => {
    const res = await appOctokit(flask).repos.listTags({ ...ownerRepo(flask), per_page: 500 });
    expect(res.data).toHaveLength(69);
    expect(res.headers.link).toBeUndefined();
  });
});

describe("compare on a synthetic repo", () => {
  it("reports ahead, behind, identical and diverged", async () => {
    const octokit = appOctokit(sb);
    const cmp = (basehead: string) => octokit.repos.compareCommitsWithBasehead({ ...ownerRepo(sb), basehead }).then((r) => r.data);

    const ahead = await cmp("v0.2.0...v0.5.0");
    expect(ahead.status).toBe("ahead");
    expect(ahead.behind_by).toBe(0);
    expect(ahead.total_commits).toBe(ahead.ahead_by);
    expect(ahead.commits).toHaveLength(ahead.ahead_by);
    expect(ahead.commits.at(-1)!.sha).toBe(sb.tags.find((t) => t.name === "v0.5.0")!.sha);
    expect(ahead.merge_base_commit.sha).toBe(sb.tags.find((t) => t.name === "v0.2.0")!.sha);
    expect(ahead.html_url).toBe(`${sb.url}/${sb.repo.owner}/${sb.repo.name}/compare/v0.2.0...v0.5.0`);
    // Oldest first and topological: every listed parent inside the range comes before its child.
    const order = new Map(ahead.commits.map((c, i) => [c.sha, i]));
    for (const [i, c] of ahead.commits.entries()) for (const p of c.parents) expect(order.get(p.sha) ?? -1).toBeLessThan(i);
    const first = ahead.commits[0]!;
    expect(first.commit.message.length).toBeGreaterThan(0);
    expect(first.commit.author!.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(first.commit.committer!.date).toMatch(/^\d{4}-\d\d-\d\dT/);

    const behind = await cmp("v0.5.0...v0.2.0");
    expect([behind.status, behind.ahead_by, behind.behind_by]).toEqual(["behind", 0, ahead.ahead_by]);

    expect((await cmp("v0.4.0...v0.4.0")).status).toBe("identical");
    const bySha = await cmp(`${sb.tags[0]!.sha.slice(0, 7)}...${sb.repo.defaultBranch}`);
    expect(bySha.status).toBe("ahead");
  });

  it("finds the merges: some commits have two parents", async () => {
    const data = (await appOctokit(sb).repos.compareCommitsWithBasehead({ ...ownerRepo(sb), basehead: `v0.1.0...v0.45.0`, per_page: 100 })).data;
    expect(data.commits.some((c) => c.parents.length === 2)).toBe(true);
  });

  it("answers diverged for two side branches of a merge", async () => {
    const octokit = appOctokit(sb);
    const all = await octokit.repos.compareCommitsWithBasehead({ ...ownerRepo(sb), basehead: "v0.1.0...v0.45.0", per_page: 100 });
    const merge = all.data.commits.find((c) => c.parents.length === 2)!;
    const [left, right] = merge.parents.map((p) => p.sha) as [string, string];
    const res = await octokit.repos.compareCommitsWithBasehead({ ...ownerRepo(sb), basehead: `${left}...${right}` });
    expect(res.data.status).toBe("diverged");
    expect(res.data.ahead_by).toBeGreaterThan(0);
    expect(res.data.behind_by).toBeGreaterThan(0);
  });

  it("404s for unknown refs", async () => {
    const res = await failure(appOctokit(sb).repos.compareCommitsWithBasehead({ ...ownerRepo(sb), basehead: "v0.1.0...nope" }));
    expect(res.status).toBe(404);
  });
});

describe("compare on pallets/flask", () => {
  const data = JSON.parse(gunzipSync(readFileSync(FLASK)).toString("utf8")) as {
    commits: Array<[string, string[], number]>;
    tags: Array<{ name: string; sha: string }>;
  };
  const parents = new Map(data.commits.map(([sha, ps]) => [sha, ps]));
  const sha = (name: string) => data.tags.find((t) => t.name === name)!.sha;
  const ancestors = (start: string): Set<string> => {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) for (const p of parents.get(stack.pop()!)!) if (!seen.has(p)) (seen.add(p), stack.push(p));
    return seen;
  };
  const expected = (base: string, head: string) => {
    const a = ancestors(sha(base));
    const b = ancestors(sha(head));
    return { ahead: [...b].filter((x) => !a.has(x)).length, behind: [...a].filter((x) => !b.has(x)).length };
  };

  it.each([
    ["2.0.0", "2.1.0"],
    ["2.1.0", "2.0.0"],
    ["3.0.0", "3.0.1"],
    ["0.7.1", "0.8"],
  ])("%s...%s matches the fixture's ancestry", async (base, head) => {
    const res = await appOctokit(flask).repos.compareCommitsWithBasehead({ ...ownerRepo(flask), basehead: `${base}...${head}` });
    const want = expected(base, head);
    expect([res.data.ahead_by, res.data.behind_by]).toEqual([want.ahead, want.behind]);
    const status = want.ahead && want.behind ? "diverged" : want.ahead ? "ahead" : want.behind ? "behind" : "identical";
    expect(res.data.status).toBe(status);
  });

  it("lists the first 250 commits without pagination, and pages with per_page", async () => {
    const octokit = appOctokit(flask);
    const unpaged = await octokit.repos.compareCommitsWithBasehead({ ...ownerRepo(flask), basehead: "0.1...1.0" });
    expect(unpaged.data.total_commits).toBeGreaterThan(250);
    expect(unpaged.data.commits).toHaveLength(250);
    expect(unpaged.headers.link).toBeUndefined();
    const page2 = await octokit.repos.compareCommitsWithBasehead({ ...ownerRepo(flask), basehead: "0.1...1.0", per_page: 100, page: 2 });
    expect(page2.data.commits).toHaveLength(100);
    expect(page2.data.commits[0]!.sha).toBe(unpaged.data.commits[100]!.sha);
    expect(page2.headers.link).toContain('rel="next"');
    expect(page2.headers.link).toContain('rel="prev"');
  });

  it("hides the first bad tag the test asked for", () => {
    expect(flask.firstBad).toEqual({ tag: "2.2.0", sha: sha("2.2.0") });
  });
});

describe("commits, pulls, contents, permission", () => {
  it("gets a commit by tag, branch and SHA; 422 for an unknown one", async () => {
    const octokit = appOctokit(sb);
    const byTag = await octokit.repos.getCommit({ ...ownerRepo(sb), ref: "v0.3.0" });
    expect(byTag.data.sha).toBe(sb.tags.find((t) => t.name === "v0.3.0")!.sha);
    expect(byTag.data.stats).toBeDefined();
    const byBranch = await octokit.repos.getCommit({ ...ownerRepo(sb), ref: sb.repo.defaultBranch });
    expect(byBranch.data.sha).toBe(sb.repo.defaultBranchSha);
    const bad = await failure(octokit.repos.getCommit({ ...ownerRepo(sb), ref: "deadbeefdeadbeef" }));
    expect(bad.status).toBe(422);
  });

  it("lists pull requests associated with commits (some have one, some none)", async () => {
    const octokit = appOctokit(sb);
    const counts = await Promise.all(
      sb.tags.slice(0, 12).map((t) => octokit.repos.listPullRequestsAssociatedWithCommit({ ...ownerRepo(sb), commit_sha: t.sha }).then((r) => r.data)),
    );
    expect(counts.some((list) => list.length === 1)).toBe(true);
    expect(counts.some((list) => list.length === 0)).toBe(true);
    const pr = counts.find((l) => l.length === 1)![0]!;
    expect(pr.merged_at).not.toBeNull();
  });

  it("serves .github/locate.yml raw and as base64 JSON, 404 elsewhere", async () => {
    const octokit = appOctokit(sb);
    const raw = await octokit.repos.getContent({ ...ownerRepo(sb), path: ".github/locate.yml", mediaType: { format: "raw" } });
    expect(raw.data).toBe("parallel: 5\n");
    expect(raw.headers["content-type"]).toMatch(/^text\/plain/);
    const json = await octokit.repos.getContent({ ...ownerRepo(sb), path: ".github/locate.yml" });
    const file = json.data as { content: string; encoding: string; type: string };
    expect(file.type).toBe("file");
    expect(Buffer.from(file.content, "base64").toString()).toBe("parallel: 5\n");
    expect((await failure(octokit.repos.getContent({ ...ownerRepo(sb), path: "README.md" }))).status).toBe(404);
    expect((await failure(octokit.repos.getContent({ owner: sb.repo.owner, repo: ".github", path: ".github/locate.yml" }))).status).toBe(404);
    sb.setConfig(undefined);
    expect((await failure(octokit.repos.getContent({ ...ownerRepo(sb), path: ".github/locate.yml" }))).status).toBe(404);
    sb.setConfig("parallel: 5\n");
  });

  it("reports roles: configured, legacy permission field, default read", async () => {
    const octokit = appOctokit(sb);
    const perm = (username: string) => octokit.repos.getCollaboratorPermissionLevel({ ...ownerRepo(sb), username }).then((r) => r.data);
    expect(await perm("alice")).toMatchObject({ permission: "write", role_name: "maintain", user: { login: "alice" } });
    expect(await perm("bob")).toMatchObject({ permission: "read", role_name: "triage" });
    expect(await perm("carol")).toMatchObject({ permission: "none" });
    expect(await perm("someone-else")).toMatchObject({ permission: "read", role_name: "read" });
    sb.setRole("someone-else", "admin");
    expect(await perm("someone-else")).toMatchObject({ permission: "admin", role_name: "admin" });
  });
});
