// Version resolution over HTTP against the sandbox: GraphQL, REST and the chosen path give the same versions, within the request budget, GraphQL failures fall back to REST; and commit mode's first-parent line.
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHub } from "../../src/github/client.js";
import { walkFirstParents } from "../../src/github/graphql-history.js";
import { compareRange } from "../../src/github/history.js";
import { type RangeOutcome, type VersionsSource, resolveRangeVersions, versionsSourceFromEnv } from "../../src/github/versions-source.js";
import { firstParentChain } from "../../src/hunt/commits.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { DEFAULT_TAG_FILTER } from "../../src/versions/resolve.js";
import { appOctokit } from "./support.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../../shared/fixtures/histories/${name}.json.gz`, import.meta.url));

const TAGS = "GET /repos/{owner}/{repo}/tags";
const COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}";
const GRAPHQL = "POST /graphql";
const RESOLVING = new Set([TAGS, COMPARE, GRAPHQL]);

/** A pino logger whose lines the test can read. */
function capturingLogger(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}

async function resolveOn(sb: Sandbox, good: string, bad: string, source: VersionsSource, log = capturingLogger().log) {
  const from = sb.requests.length;
  const outcome = await resolveRangeVersions(appOctokit(sb) as unknown as GitHub, { owner: sb.repo.owner, repo: sb.repo.name }, { good, bad, filter: DEFAULT_TAG_FILTER, source }, log);
  const requests = sb.requests.slice(from).filter((request) => RESOLVING.has(request.route));
  return { outcome, requests };
}

function versionsOf(outcome: RangeOutcome) {
  if (outcome.kind !== "versions") throw new Error(`expected versions, got ${JSON.stringify(outcome)}`);
  return outcome.versions;
}

describe.each([
  { history: "pallets__flask", good: "0.1", bad: "3.1.3" },
  // Maintenance lines of 4.x cross the 5.x prereleases: the GraphQL path needs two rounds of ancestry checks.
  { history: "expressjs__express", good: "0.0.1", bad: "v5.2.1" },
  { history: "prettier__prettier", good: "0.0.1", bad: "3.9.6" },
  { history: "nodejs__undici", good: "v5.24.0", bad: "v5.25.3" },
])("$history $good..$bad", ({ history, good, bad }) => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ history: fixture(history), validateRequests: false });
  });
  afterAll(async () => {
    await sb.close();
  });

  it("gives the same versions by REST, GraphQL and the chosen path, GraphQL within ⌈T/100⌉ + 10 requests", async () => {
    const rest = await resolveOn(sb, good, bad, "rest");
    const graphql = await resolveOn(sb, good, bad, "graphql");
    const chosen = await resolveOn(sb, good, bad, "auto");
    expect(graphql.outcome.cost.path).toBe("graphql");
    expect(versionsOf(graphql.outcome)).toEqual(versionsOf(rest.outcome));
    expect(versionsOf(chosen.outcome)).toEqual(versionsOf(rest.outcome));

    const target = Math.ceil(sb.tags.length / 100) + 10;
    expect(graphql.requests.every((request) => request.route === GRAPHQL)).toBe(true);
    expect(graphql.requests.length).toBeLessThanOrEqual(target);
    expect(chosen.requests.length).toBeLessThanOrEqual(Math.min(target, rest.requests.length));
    // What each outcome says it cost is what the sandbox saw.
    for (const { outcome, requests } of [rest, graphql, chosen]) expect(outcome.cost.requests).toBe(requests.length);
  });
});

describe("a 1,000-tag repository", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ history: { tags: 1_000 }, validateRequests: false });
  });
  afterAll(async () => {
    await sb.close();
  });

  it("resolves its whole history in 10 GraphQL requests (REST needs one per 100 commits as well)", async () => {
    const graphql = await resolveOn(sb, "v0.1.0", "v0.1000.0", "graphql");
    const rest = await resolveOn(sb, "v0.1.0", "v0.1000.0", "rest");
    expect(versionsOf(graphql.outcome)).toEqual(versionsOf(rest.outcome));
    expect(versionsOf(graphql.outcome)).toHaveLength(1_000);
    expect(graphql.requests).toHaveLength(10);
    expect(rest.requests.filter((request) => request.route === TAGS)).toHaveLength(10);
    expect(rest.requests.filter((request) => request.route === COMPARE).length).toBeGreaterThan(20);
  });

  it("asks no ancestry question where the versions lie on one line of history", async () => {
    const chosen = await resolveOn(sb, "v0.500.0", "v0.510.0", "auto");
    expect(chosen.outcome.cost).toMatchObject({ path: "graphql", ancestryQuestions: 0, requests: 10 });
    expect(versionsOf(chosen.outcome)).toHaveLength(11);
  });

  it("answers unknown names and reversed ranges like the REST path", async () => {
    for (const [good, bad] of [["v0.1.0", "v9.9.9"], ["v0.20.0", "v0.10.0"], ["v0.10.0", "v0.10.0"]] as const) {
      const graphql = await resolveOn(sb, good, bad, "graphql");
      const rest = await resolveOn(sb, good, bad, "rest");
      expect(graphql.outcome.kind, `${good}..${bad}`).toBe("rejected");
      expect(graphql.outcome.kind === "rejected" && graphql.outcome.error).toEqual(rest.outcome.kind === "rejected" && rest.outcome.error);
    }
  });
});

describe("a small range across a maintenance line (pallets/flask 2.3.0..2.3.3, 75 commits)", () => {
  it("orders from one REST compare page rather than a round of ancestry checks, with the same versions", async () => {
    const sb = await startSandbox({ history: fixture("pallets__flask"), validateRequests: false });
    try {
      const chosen = await resolveOn(sb, "2.3.0", "2.3.3", "auto");
      const graphql = await resolveOn(sb, "2.3.0", "2.3.3", "graphql");
      expect(chosen.outcome.cost.path).toBe("graphql+compare");
      expect(chosen.requests.map((request) => request.route)).toEqual([GRAPHQL, COMPARE]);
      expect(graphql.outcome.cost).toMatchObject({ path: "graphql", rounds: 1, requests: 2 });
      expect(versionsOf(chosen.outcome)).toEqual(versionsOf(graphql.outcome));
    } finally {
      await sb.close();
    }
  });
});

describe("when GraphQL is unavailable or refuses", () => {
  const express = { good: "0.0.1", bad: "v5.2.1" };
  let reference: ReturnType<typeof versionsOf>;
  beforeAll(async () => {
    const sb = await startSandbox({ history: fixture("expressjs__express"), validateRequests: false });
    try {
      reference = versionsOf((await resolveOn(sb, express.good, express.bad, "rest")).outcome);
    } finally {
      await sb.close();
    }
  });

  it("falls back to REST on a server without GraphQL (older Enterprise Server), with a log line saying why", async () => {
    const sb = await startSandbox({ history: fixture("expressjs__express"), validateRequests: false, graphql: false });
    try {
      const { log, lines } = capturingLogger();
      const { outcome, requests } = await resolveOn(sb, express.good, express.bad, "auto", log);
      expect(versionsOf(outcome)).toEqual(reference);
      expect(outcome.cost.path).toBe("rest");
      expect(requests.filter((request) => request.route === GRAPHQL)).toHaveLength(1);
      expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: "GraphQL tag listing failed; resolving versions over REST", repo: `${sb.repo.owner}/${sb.repo.name}` }));
    } finally {
      await sb.close();
    }
  });

  it("orders from the REST compare when the GraphQL budget runs out after the listing", async () => {
    const sb = await startSandbox({ history: fixture("expressjs__express"), validateRequests: false });
    try {
      let graphqlCalls = 0;
      const listing = Math.ceil(sb.tags.length / 100);
      // GitHub's answer to an exhausted GraphQL budget: 200 with a RATE_LIMITED error.
      sb.inject({
        route: (_method, route) => route === GRAPHQL && ++graphqlCalls > listing,
        status: 200,
        body: { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation ID 1." }] },
        times: 100,
      });
      const { log, lines } = capturingLogger();
      const { outcome } = await resolveOn(sb, express.good, express.bad, "graphql", log);
      expect(versionsOf(outcome)).toEqual(reference);
      expect(outcome.cost.path).toBe("graphql+compare");
      expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: "GraphQL ancestry checks failed; ordering versions from the REST compare" }));
    } finally {
      await sb.close();
    }
  });
});

describe("LOCATE_VERSIONS_SOURCE", () => {
  it("defaults to auto, and ignores an unknown value with a warning", () => {
    const { log, lines } = capturingLogger();
    expect(versionsSourceFromEnv(log, {})).toBe("auto");
    expect(versionsSourceFromEnv(log, { LOCATE_VERSIONS_SOURCE: "rest" })).toBe("rest");
    expect(versionsSourceFromEnv(log, { LOCATE_VERSIONS_SOURCE: "soap" })).toBe("auto");
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, value: "soap" }));
  });
});

describe("the first-parent line of a commit-level hunt", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ history: fixture("pallets__flask"), validateRequests: false });
  });
  afterAll(async () => {
    await sb.close();
  });

  const tag = (name: string) => ({ name, sha: sb.tags.find((t) => t.name === name)!.sha });
  const repo = () => ({ owner: sb.repo.owner, repo: sb.repo.name });

  it("is walked over GraphQL in one request per 100 first parents, the same line the REST compare gives", async () => {
    // 1.1.0..2.0.0: 528 commits in range (6 compare pages), 220 of them on the first-parent line.
    const from = sb.requests.length;
    const walk = await walkFirstParents(appOctokit(sb) as unknown as GitHub, repo(), tag("1.1.0"), tag("2.0.0"));
    const graphqlRequests = sb.requests.slice(from).filter((request) => request.route === GRAPHQL).length;
    const range = await compareRange(appOctokit(sb) as unknown as GitHub, repo(), tag("1.1.0").sha, tag("2.0.0").sha);
    if (walk.kind !== "chain") throw new Error("expected the first-parent line");
    const rest = firstParentChain(range.commits, tag("1.1.0").sha, tag("2.0.0").sha);
    expect(walk.chain).toEqual(rest.map(({ sha, title, author }) => ({ sha, title, author })));
    expect(walk.bad).toEqual({ sha: tag("2.0.0").sha, title: range.commits.find((c) => c.sha === tag("2.0.0").sha)!.title, author: range.commits.find((c) => c.sha === tag("2.0.0").sha)!.author });
    expect(rest).toHaveLength(220);
    expect(graphqlRequests).toBe(3);
    expect(Math.ceil(range.totalCommits / 100)).toBe(6);
  });

  it("says when good is not on bad's line (merged in from the side), for the REST compare to settle", async () => {
    // 0.11.1 is a maintenance release merged into the line that leads to 0.12.
    const walk = await walkFirstParents(appOctokit(sb) as unknown as GitHub, repo(), tag("0.11.1"), tag("0.12"));
    expect(walk.kind).toBe("off-line");
  });
});
