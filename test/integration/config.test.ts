// `.github/locate.yml` (§6) through probot.receive(): what a valid, empty, missing or broken file does to a start command.
import { afterEach, describe, expect, it } from "vitest";
import { findLatestHunt } from "../../src/db/queries/hunts.js";
import { INTERNAL_ERROR_REPLY } from "../../src/hunt/replies.js";
import { useTestApp } from "../helpers/app.js";
import { type ConfigFile, type ConfigServer, contentsPath, serveRepoConfig } from "../helpers/nock-config.js";
import { NockGitHub } from "../helpers/nock-github.js";
import { REPO, issueCommentCreated } from "../helpers/payloads.js";

const ISSUE = 7;

const ctx = useTestApp();
let gh: NockGitHub | undefined;
let config: ConfigServer;

afterEach(async () => {
  const unmatched = gh?.unmatched ?? [];
  gh?.close();
  gh = undefined;
  await ctx.app.close();
  expect(unmatched).toEqual([]);
});

/** Serves the config file(s), then the rest of GitHub: ten tags, alice with the given role. */
function github(files: { repo: ConfigFile; org?: ConfigFile }, role = "write"): NockGitHub {
  config = serveRepoConfig(files);
  gh = new NockGitHub({ tags: 10, firstBad: 6, roles: { alice: role } });
  return gh;
}

async function command(body: string) {
  await ctx.app.receive("issue_comment.created", issueCommentCreated({ body, issueNumber: ISSUE }));
}

function hunt() {
  return findLatestHunt(ctx.store.db, REPO.id, ISSUE);
}

function dispatchUrls(github: NockGitHub): string[] {
  return github.requests.filter((r) => r.endsWith("/dispatches"));
}

/** The one reply, which must not be the internal-error note, and no hunt, no tag listing, no dispatch. */
async function expectRejected(github: NockGitHub): Promise<string> {
  // The file came from our interceptor (not NockGitHub's catch-all 404), and only the repository's copy was read.
  expect(config.requests).toEqual([contentsPath(REPO.repo)]);
  expect(await hunt()).toBeUndefined();
  expect(() => github.huntComment()).toThrow();
  expect(github.requests.some((r) => r.includes("/tags"))).toBe(false);
  expect(github.dispatches).toHaveLength(0);
  const replies = github.replies();
  expect(replies).toHaveLength(1);
  expect(replies[0]).not.toBe(INTERNAL_ERROR_REPLY);
  expect(replies[0]).toContain("`.github/locate.yml`");
  return replies[0]!;
}

const DEFAULTS = {
  workflow: "locate.yml",
  dispatchRef: REPO.defaultBranch,
  inputs: {},
  parallel: 3,
  candidates: 10,
  maxRuns: 50,
  timeoutMinutes: 120,
  permission: "write",
  confidence: 0.99,
  flakeRate: 0.05,
};

describe("a usable .github/locate.yml", () => {
  it("is used for the dispatch: workflow, ref, parallel and inputs", async () => {
    const github_ = github({
      repo: ["workflow: repro.yml", "dispatch-ref: release", "parallel: 2", "inputs: {os: linux, arch: x64, retries: 3}", "max-runs: 12", "confidence: 0.999", "flake-rate: 0.1", ""].join("\n"),
    });
    await command("/locate v1.0.0..v1.9.0 auto input.arch=arm64");
    expect(config.requests).toEqual([contentsPath(REPO.repo)]);
    expect(github_.replies()).toEqual([]);
    expect(await hunt()).toMatchObject({
      workflow: "repro.yml",
      dispatchRef: "release",
      parallel: 2,
      maxRuns: 12,
      confidence: 0.999,
      flakeRate: 0.1,
      inputs: { os: "linux", arch: "arm64", retries: "3" },
      state: "searching",
      autopilot: true,
    });
    // Auto-pilot dispatched the first round: `parallel` runs of the configured workflow, on the configured ref.
    expect(dispatchUrls(github_)).toEqual([
      `POST /repos/acme/widgets/actions/workflows/repro.yml/dispatches`,
      `POST /repos/acme/widgets/actions/workflows/repro.yml/dispatches`,
    ]);
    for (const d of github_.dispatches) {
      expect(d.ref).toBe("release");
      // Config inputs, a command input overriding one of them, and Locate's own three.
      expect(d.inputs).toMatchObject({ os: "linux", arch: "arm64", retries: "3" });
      expect(Object.keys(d.inputs).sort()).toEqual(["arch", "locate_id", "os", "ref", "retries", "tag"]);
    }
  });

  it("lets command options override the file (workflow=, parallel=, confidence=, flake-rate=)", async () => {
    const github_ = github({ repo: "workflow: repro.yml\nparallel: 2\nconfidence: 0.95\n" });
    await command("/locate v1.0.0..v1.9.0 auto workflow=other.yml parallel=4 confidence=99.9% flake-rate=0.2");
    expect(await hunt()).toMatchObject({ workflow: "other.yml", parallel: 4, confidence: 0.999, flakeRate: 0.2 });
    expect(dispatchUrls(github_)).toHaveLength(4);
    expect(dispatchUrls(github_).every((u) => u.includes("/workflows/other.yml/"))).toBe(true);
  });

  it("an empty file means every default", async () => {
    const github_ = github({ repo: "" });
    await command("/locate v1.0.0..v1.9.0");
    expect(config.requests).toEqual([contentsPath(REPO.repo)]);
    expect(github_.replies()).toEqual([]);
    expect(await hunt()).toMatchObject({ ...DEFAULTS, state: "searching", autopilot: false });
    expect(github_.huntComment().body).toContain("<!-- locate:state:searching -->");
  });

  it("a file of comments only means every default", async () => {
    const github_ = github({ repo: "# Locate settings: none yet\n" });
    await command("/locate v1.0.0..v1.9.0");
    expect(github_.replies()).toEqual([]);
    expect(await hunt()).toMatchObject(DEFAULTS);
  });

  it("a missing file (404 here and in acme/.github) means every default", async () => {
    const github_ = github({ repo: 404, org: 404 });
    await command("/locate v1.0.0..v1.9.0 auto");
    // Both places were asked, in this order.
    expect(config.requests).toEqual([contentsPath(REPO.repo), contentsPath(".github")]);
    expect(config.isDone()).toBe(true);
    expect(github_.replies()).toEqual([]);
    expect(await hunt()).toMatchObject({ ...DEFAULTS, autopilot: true });
    // Three picks: `parallel` defaults to 3 and caps the runs in flight.
    expect(dispatchUrls(github_)).toHaveLength(3);
    expect(dispatchUrls(github_).every((u) => u.includes("/workflows/locate.yml/"))).toBe(true);
    for (const d of github_.dispatches) expect(d.ref).toBe("main");
  });

  it("falls back to the owner's .github repository when the repository has no file", async () => {
    const github_ = github({ repo: 404, org: "workflow: org-wide.yml\nparallel: 5\ncandidates: 5\n" });
    await command("/locate v1.0.0..v1.9.0");
    expect(config.requests).toEqual([contentsPath(REPO.repo), contentsPath(".github")]);
    expect(github_.replies()).toEqual([]);
    expect(await hunt()).toMatchObject({ workflow: "org-wide.yml", parallel: 5, candidates: 5 });
  });

  it("permission: triage lets a triager start a hunt", async () => {
    const github_ = github({ repo: "permission: triage\n" }, "triage");
    await command("/locate v1.0.0..v1.9.0");
    expect(github_.replies()).toEqual([]);
    expect(await hunt()).toMatchObject({ permission: "triage", createdBy: "alice" });
  });
});

describe("a .github/locate.yml that cannot be used", () => {
  it("malformed YAML: a reply naming the problem, no hunt", async () => {
    const github_ = github({ repo: "workflow: repro.yml\nparallel: [1, 2\ninputs: {os: linux}\n" });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toMatch(/YAML|could not be read|parse/i);
    // Where the problem is, so the user can find it.
    expect(reply).toMatch(/line \d+/i);
  });

  it("YAML that is a plain string, not a mapping: a reply, no hunt", async () => {
    const github_ = github({ repo: "just some words\n" });
    await command("/locate v1.0.0..v1.9.0");
    await expectRejected(github_);
  });

  it("YAML that is a list, not a mapping: a reply, no hunt", async () => {
    const github_ = github({ repo: "- workflow: repro.yml\n- parallel: 2\n" });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toMatch(/object|mapping/i);
  });

  it("an unknown key: the reply names it", async () => {
    const github_ = github({ repo: "workflow: repro.yml\nparalel: 2\n" });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toContain("the hunt did not start");
    expect(reply).toContain("unknown key `paralel`");
  });

  it("a key replaced by the weighed search: the reply names its replacement, no hunt", async () => {
    const github_ = github({ repo: "repeat: 3\nconfirm: true\n" });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toContain("`repeat` is no longer used");
    expect(reply).toContain("`flake-rate`");
    expect(reply).toContain("`confirm` is no longer used");
  });

  it("an unknown key nested under tags: the reply names it and where", async () => {
    const github_ = github({ repo: "tags:\n  include: 'v*'\n  exclude-prereleases: true\n" });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toContain("`exclude-prereleases`");
    expect(reply).toContain("`tags`");
  });

  it.each([
    ["parallel: three", "`parallel`", /expected number/i],
    ["workflow: [a, b]", "`workflow`", /expected string/i],
    ["inputs: [os, linux]", "`inputs`", /expected record|expected object/i],
    ["tags: {prereleases: maybe}", "`tags.prereleases`", /expected boolean/i],
    ["permission: owner", "`permission`", /triage|write|maintain|admin/],
    ["parallel: 2.5", "`parallel`", /integer|int/i],
  ])("a wrong type (%s): the reply names the key and the problem", async (yaml, key, problem) => {
    const github_ = github({ repo: `${yaml}\n` });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toContain(key);
    expect(reply).toMatch(problem);
  });

  it.each([
    ["parallel: 11", "`parallel`", /10/],
    ["parallel: 0", "`parallel`", /1/],
    ["candidates: 2", "`candidates`", /3/],
    ["candidates: 21", "`candidates`", /20/],
    ["max-runs: 0", "`max-runs`", /1/],
    ["timeout-minutes: 100000", "`timeout-minutes`", /4320/],
  ])("an out-of-range value (%s): the reply names the key and the bound", async (yaml, key, bound) => {
    const github_ = github({ repo: `${yaml}\n` });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toContain(key);
    expect(reply).toMatch(bound);
  });

  it("several problems: every one is listed", async () => {
    const github_ = github({ repo: "parallel: 11\ncandidates: 2\nflavour: vanilla\n" });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toContain("`parallel`");
    expect(reply).toContain("`candidates`");
    expect(reply).toContain("unknown key `flavour`");
  });

  it("reserved input names are refused", async () => {
    const github_ = github({ repo: "inputs: {locate_id: mine}\n" });
    await command("/locate v1.0.0..v1.9.0");
    const reply = await expectRejected(github_);
    expect(reply).toContain("`inputs.locate_id`");
  });
});

describe("permission from the file", () => {
  it("permission: admin with a write user: a polite permission reply, no hunt", async () => {
    const github_ = github({ repo: "permission: admin\n" }, "write");
    await command("/locate v1.0.0..v1.9.0");
    expect(await hunt()).toBeUndefined();
    expect(github_.permissionLookups).toEqual(["alice"]);
    expect(github_.requests.some((r) => r.includes("/tags"))).toBe(false);
    expect(github_.dispatches).toHaveLength(0);
    const replies = github_.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("Sorry @alice");
    expect(replies[0]).toContain("only people with **admin** access");
  });

  it("permission: admin with an admin user: the hunt starts and keeps that permission", async () => {
    const github_ = github({ repo: "permission: admin\n" }, "admin");
    await command("/locate v1.0.0..v1.9.0");
    expect(github_.replies()).toEqual([]);
    expect(await hunt()).toMatchObject({ permission: "admin", state: "searching" });
  });
});
