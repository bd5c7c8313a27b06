// Sandbox GraphQL: queries checked against GitHub's schema, connection rules, tag listing with comparisons, peeling and switching it off.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIST_TAGS_QUERY } from "../../src/github/graphql-history.js";
import { Graph, loadHistoryFile } from "../../src/sandbox/history.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { appOctokit } from "./support.js";

const FLASK = fileURLToPath(new URL("../../../shared/fixtures/histories/pallets__flask.json.gz", import.meta.url));

let flask: Sandbox;
let graph: Graph;
beforeAll(async () => {
  flask = await startSandbox({ history: FLASK, firstBad: "2.2.0" });
  graph = new Graph(loadHistoryFile(FLASK));
});
afterAll(async () => {
  await flask.close();
});

type GraphqlFailure = { status?: number; errors?: { type?: string; message: string }[] };

async function graphqlErrors(sb: Sandbox, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlFailure> {
  return appOctokit(sb)
    .graphql(query, { owner: sb.repo.owner, name: sb.repo.name, ...variables })
    .then(
      () => ({}),
      (error: GraphqlFailure) => ({ status: error.status, errors: error.errors }),
    );
}

interface ListedRef {
  name: string;
  target: { __typename: string; oid: string; committedDate?: string; target?: { __typename: string; oid: string; committedDate: string } };
  toGood: { status: string; aheadBy: number; behindBy: number } | null;
  toBad: { status: string } | null;
}
interface Listing {
  repository: {
    refs: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
      nodes: ListedRef[];
    };
  };
}

describe("queries are checked against GitHub's published schema", () => {
  it("rejects a field GitHub does not have, with GitHub's 200-and-errors answer", async () => {
    const failed = await graphqlErrors(flask, `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { tagz { name } } }`);
    expect(failed.errors?.[0]?.message).toMatch(/Cannot query field "tagz" on type "Repository"/);
  });

  it("rejects a variable of the wrong type", async () => {
    const failed = await graphqlErrors(flask, `query($owner: String!, $name: Int!) { repository(owner: $owner, name: $name) { id } }`, { name: 3 });
    expect(failed.errors?.[0]?.message).toMatch(/Variable "\$name" of type "Int!" used in position expecting type "String!"/);
  });

  it("requires first or last on a connection, and at most 100", async () => {
    const query = `query($owner: String!, $name: String!, $first: Int) { repository(owner: $owner, name: $name) { refs(refPrefix: "refs/tags/", first: $first) { totalCount } } }`;
    expect((await graphqlErrors(flask, query, {})).errors?.[0]).toMatchObject({
      type: "MISSING_PAGINATION_BOUNDARIES",
      message: "You must provide a `first` or `last` value to properly paginate the `refs` connection.",
    });
    expect((await graphqlErrors(flask, query, { first: 101 })).errors?.[0]).toMatchObject({
      type: "EXCESSIVE_PAGINATION",
      message: "Requesting 101 records on the `refs` connection exceeds the `first` limit of 100 records.",
    });
  });

  it("answers another repository with NOT_FOUND", async () => {
    const failed = await graphqlErrors(flask, `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }`, { name: "elsewhere" });
    expect(failed.errors?.[0]).toMatchObject({ type: "NOT_FOUND", message: `Could not resolve to a Repository with the name '${flask.repo.owner}/elsewhere'.` });
  });
});

describe("tag listing with comparisons", () => {
  it("pages every tag from both ends, each with its commit, date and exact comparison with two refs", async () => {
    const octokit = appOctokit(flask);
    const variables = { owner: flask.repo.owner, name: flask.repo.name, good: "refs/tags/1.0", bad: "refs/tags/2.0.0" };
    const first = await octokit.graphql<Listing>(LIST_TAGS_QUERY, { ...variables, first: 30 });
    const last = await octokit.graphql<Listing>(LIST_TAGS_QUERY, { ...variables, last: 30 });
    const middle = await octokit.graphql<Listing>(LIST_TAGS_QUERY, {
      ...variables,
      first: 100,
      after: first.repository.refs.pageInfo.endCursor,
      before: last.repository.refs.pageInfo.startCursor,
    });
    const refs = [first, middle, last].flatMap((page) => page.repository.refs.nodes);
    expect(first.repository.refs.totalCount).toBe(graph.tags.length);
    expect(middle.repository.refs.nodes).toHaveLength(graph.tags.length - 60);
    expect(refs.map((ref) => ref.name)).toEqual(graph.tags.map((tag) => tag.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    const good = graph.tag("1.0")!.index;
    const bad = graph.tag("2.0.0")!.index;
    for (const ref of refs) {
      const tag = graph.tags.find((candidate) => candidate.name === ref.name)!;
      const commit = ref.target.__typename === "Tag" ? ref.target.target! : ref.target;
      expect(ref.target.__typename, ref.name).toBe(tag.annotated ? "Tag" : "Commit");
      expect(commit.oid).toBe(tag.sha);
      expect(Date.parse(commit.committedDate!) / 1000).toBe(tag.date);
      const toGood = graph.compare(tag.index, good)!;
      expect(ref.toGood, `${ref.name} vs 1.0`).toEqual({ status: toGood.status.toUpperCase(), aheadBy: toGood.aheadBy, behindBy: toGood.behindBy });
      expect(ref.toBad, `${ref.name} vs 2.0.0`).toEqual({ status: graph.compare(tag.index, bad)!.status.toUpperCase() });
    }
  });

  it("peels an annotated tag by its object id, and looks refs up by qualified name", async () => {
    const annotated = graph.tags.find((tag) => tag.annotated)!;
    const octokit = appOctokit(flask);
    const found = await octokit.graphql<{ repository: { ref: { name: string; target: { __typename: string; oid: string } } } }>(
      `query($owner: String!, $name: String!, $ref: String!) { repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { name target { __typename oid } } } }`,
      { owner: flask.repo.owner, name: flask.repo.name, ref: `refs/tags/${annotated.name}` },
    );
    expect(found.repository.ref).toMatchObject({ name: annotated.name, target: { __typename: "Tag" } });
    const peeled = await octokit.graphql<{ repository: { object: { __typename: string; target: { oid: string } } } }>(
      `query($owner: String!, $name: String!, $oid: GitObjectID!) { repository(owner: $owner, name: $name) { object(oid: $oid) { __typename ... on Tag { target { oid } } } } }`,
      { owner: flask.repo.owner, name: flask.repo.name, oid: found.repository.ref.target.oid },
    );
    expect(peeled.repository.object).toEqual({ __typename: "Tag", target: { oid: annotated.sha } });
  });
});

describe("a server without GraphQL", () => {
  it("answers 404 at /api/graphql, like any unknown path", async () => {
    const plain = await startSandbox({ history: { tags: 5 }, graphql: false });
    try {
      const failed = await graphqlErrors(plain, `query { viewer { login } }`);
      expect(failed.status).toBe(404);
      expect(plain.requests.at(-1)).toMatchObject({ route: "POST /graphql", status: 404 });
    } finally {
      await plain.close();
    }
  });
});
