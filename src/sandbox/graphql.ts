// The sandbox's GraphQL endpoint: queries are checked against GitHub's published schema (@octokit/graphql-schema) and answered from the commit graph for the fields Locate reads.
//
// Modelled: Query.repository; Repository.refs / ref / object; Ref.name / prefix / target / compare;
// Commit.oid / committedDate / message / author / parents; Tag.oid / name / target; Comparison.status / aheadBy /
// behindBy. Any other field of
// the schema is valid to ask for and answered with an error naming it, so a query that strays from what the
// sandbox models fails loudly instead of reading nulls.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  GraphQLError,
  buildClientSchema,
  execute,
  parse,
  validate,
} from "graphql";
import type { IntrospectionQuery } from "graphql";
import { commitMeta } from "./commit-meta.js";
import { sha1Hex } from "./prng.js";
import { Comparisons } from "./comparisons.js";
import type { Graph } from "./history.js";

/** What the GraphQL endpoint answers about: a repository's name and commit graph (the sandbox's World has both). */
export interface GraphqlRepository {
  readonly repo: { readonly owner: { readonly login: string }; readonly name: string };
  readonly graph: Graph;
  /** A commit's message and author; the sandbox's made-up ones (as its REST shapes give them) unless a caller has its own. */
  readonly commitInfo?: (index: number) => { message: string; author: { name: string; email: string; login: string | null } };
}

let schemaCache: GraphQLSchema | undefined;

/** GitHub's schema, built once per process from the introspection result the package ships (~0.3 s). */
export function githubSchema(): GraphQLSchema {
  if (!schemaCache) {
    const json = JSON.parse(readFileSync(schemaFile(), "utf8")) as { __schema: IntrospectionQuery["__schema"] };
    schemaCache = buildClientSchema(json as IntrospectionQuery);
  }
  return schemaCache;
}

/**
 * The package's introspection JSON. Its only export is an entry that reads both the SDL and the JSON at import,
 * and it exports no file paths, so the file is found the way Node finds packages: up the node_modules folders.
 */
function schemaFile(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "@octokit", "graphql-schema", "schema.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error("@octokit/graphql-schema is not installed (the sandbox checks GraphQL against it)");
  }
}

/** GitHub caps every connection page at 100 nodes. */
const MAX_PAGE = 100;

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlResult {
  status: number;
  body: { data?: unknown; errors?: unknown[]; message?: string };
}

/** Runs one POST /graphql body. Like GitHub, problems with the query itself answer 200 with `errors`. */
export function runGraphql(world: GraphqlRepository, comparisons: Comparisons, body: unknown): GraphqlResult {
  const { query, variables, operationName } = (body ?? {}) as GraphqlBody;
  if (typeof query !== "string" || query.trim() === "") {
    return { status: 200, body: { errors: [{ message: "A query attribute must be specified and must be a string." }] } };
  }
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return { status: 200, body: { errors: [formatError(error as GraphQLError)] } };
  }
  const schema = githubSchema();
  const problems = validate(schema, document);
  if (problems.length > 0) return { status: 200, body: { errors: problems.map(formatError) } };
  const result = execute({
    schema,
    document,
    rootValue: root(world, comparisons),
    variableValues: (variables ?? {}) as Record<string, unknown>,
    operationName: typeof operationName === "string" ? operationName : undefined,
    fieldResolver: modelledOnly,
    typeResolver,
  });
  if ("then" in result) throw new Error("sandbox GraphQL resolvers are synchronous");
  const out: GraphqlResult["body"] = { data: result.data ?? null };
  if (result.errors && result.errors.length > 0) out.errors = result.errors.map(formatError);
  return { status: 200, body: out };
}

function formatError(error: GraphQLError): Record<string, unknown> {
  const extensions = error.extensions as { type?: string } | undefined;
  return {
    ...(extensions?.type ? { type: extensions.type } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
    message: error.message,
  };
}

/** Fields are plain properties or methods of the model objects; a field the model lacks is an error, not a null. */
const modelledOnly: GraphQLFieldResolver<Record<string, unknown>, unknown> = (source, args, _context, info) => {
  if (!(info.fieldName in source)) throw new GraphQLError(`sandbox does not model ${info.parentType.name}.${info.fieldName}`);
  const value = source[info.fieldName];
  return typeof value === "function" ? (value as (a: unknown) => unknown).call(source, args) : value;
};

const typeResolver: GraphQLTypeResolver<{ __typename?: string }, unknown> = (value) => value.__typename;

function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });
}

function root(world: GraphqlRepository, comparisons: Comparisons): Record<string, unknown> {
  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const ours = owner.toLowerCase() === world.repo.owner.login.toLowerCase() && name.toLowerCase() === world.repo.name.toLowerCase();
      if (!ours) throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryModel(world, comparisons);
    },
  };
}

const sortedRefs = new WeakMap<object, Map<string, RefEntry[]>>();
const tagObjectIds = new WeakMap<object, { byName: Map<string, string>; byId: Map<string, { name: string; index: number }> }>();

interface RefEntry {
  /** Short name, e.g. "v1.2.0" or "main". */
  name: string;
  prefix: "refs/tags/" | "refs/heads/";
  index: number;
  annotated: boolean;
  date: number;
}

function repositoryModel(world: GraphqlRepository, comparisons: Comparisons): Record<string, unknown> {
  const g = world.graph;
  const info = world.commitInfo ?? ((index: number) => commitMeta(g.sha(index), g.times[index]!, g.parents[index]!.length));
  const commitModel = (index: number): Record<string, unknown> => ({
    __typename: "Commit",
    oid: g.sha(index),
    committedDate: new Date(g.times[index]! * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    // The same made-up message and author as the REST shapes, so both APIs tell one story.
    message: () => info(index).message,
    author: () => {
      const { author } = info(index);
      return { __typename: "GitActor", name: author.name, email: author.email, user: author.login === null ? null : { __typename: "User", login: author.login } };
    },
    parents: (args: ConnectionArgs) => connection("parents", g.parents[index]!, args, commitModel),
  });
  // An annotated tag is an object of its own, with an id derived from its name (the fixtures keep only the peeled
  // commit). Hashing every tag's id on every request would dominate a listing, so they are kept per graph.
  let tagIds = tagObjectIds.get(g);
  if (!tagIds) {
    const byName = new Map<string, string>();
    const byId = new Map<string, { name: string; index: number }>();
    for (const t of g.tags) {
      if (!t.annotated) continue;
      const id = sha1Hex(`tag-object:${g.repo}:${t.name}`);
      byName.set(t.name, id);
      byId.set(id, t);
    }
    tagIds = { byName, byId };
    tagObjectIds.set(g, tagIds);
  }
  const { byName: idOfTag, byId: tagObjects } = tagIds;
  const tagModel = (t: { name: string; index: number }): Record<string, unknown> => ({
    __typename: "Tag",
    oid: idOfTag.get(t.name) ?? sha1Hex(`tag-object:${g.repo}:${t.name}`),
    name: t.name,
    target: commitModel(t.index),
  });
  const refModel = (ref: RefEntry): Record<string, unknown> => ({
    __typename: "Ref",
    name: ref.name,
    prefix: ref.prefix,
    target: ref.annotated ? tagModel(ref) : commitModel(ref.index),
    compare: ({ headRef }: { headRef: string }) => {
      const head = g.resolve(headRef);
      if (!head) return null;
      // The status is cheap and the counts are not: they are computed only when the query asks for them.
      const status = comparisons.status(ref.index, head.index);
      if (status === undefined) return null;
      let counts: { aheadBy: number; behindBy: number } | undefined;
      const countsOf = () => (counts ??= comparisons.compare(ref.index, head.index) ?? { aheadBy: 0, behindBy: 0 });
      return { __typename: "Comparison", status: status.toUpperCase(), aheadBy: () => countsOf().aheadBy, behindBy: () => countsOf().behindBy };
    },
  });
  const allRefs = (prefix: string): RefEntry[] => {
    if (prefix === "refs/tags/") return g.tags.map((t) => ({ name: t.name, prefix, index: t.index, annotated: t.annotated, date: t.date }));
    if (prefix === "refs/heads/") return [{ name: g.defaultBranch, prefix, index: g.tip, annotated: false, date: g.times[g.tip]! }];
    return [];
  };
  // A listing reads the same sorted refs page after page: sort once per order.
  const sorted = (prefix: string, field: string | undefined): RefEntry[] => {
    const key = `${prefix} ${field ?? "ALPHABETICAL"}`;
    const cache = sortedRefs.get(g) ?? new Map<string, RefEntry[]>();
    sortedRefs.set(g, cache);
    const known = cache.get(key);
    if (known) return known;
    const byName = (a: RefEntry, b: RefEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const refs = allRefs(prefix).sort(field === "TAG_COMMIT_DATE" ? (a, b) => a.date - b.date || byName(a, b) : byName);
    cache.set(key, refs);
    return refs;
  };

  return {
    __typename: "Repository",
    nameWithOwner: `${world.repo.owner.login}/${world.repo.name}`,
    refs: (args: ConnectionArgs & { refPrefix: string; orderBy?: { field: string; direction: string } | null; query?: string | null }) => {
      let refs = sorted(args.refPrefix, args.orderBy?.field);
      if (args.query) refs = refs.filter((ref) => ref.name.includes(args.query ?? ""));
      if (args.orderBy?.direction === "DESC") refs = [...refs].reverse();
      return connection("refs", refs, args, refModel);
    },
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const found = g.resolve(qualifiedName);
      if (!found || found.kind === "sha") return null;
      const prefix = found.kind === "tag" ? "refs/tags/" : "refs/heads/";
      const tag = found.kind === "tag" ? g.tag(found.name) : undefined;
      const annotated = tag ? (g.tags.find((t) => t.name === tag.name)?.annotated ?? false) : false;
      return refModel({ name: found.name, prefix, index: found.index, annotated, date: g.times[found.index]! });
    },
    object: ({ oid }: { oid: string }) => {
      const tag = tagObjects.get(oid);
      if (tag) return tagModel(tag);
      const index = g.indexOf(oid);
      return index === undefined ? null : commitModel(index);
    },
  };
}

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const cursorOf = (offset: number): string => Buffer.from(`cursor:${offset}`).toString("base64");

function offsetOf(cursor: string): number {
  const match = /^cursor:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match) throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`, { extensions: { type: "INVALID_CURSOR_ARGUMENTS" } });
  return Number(match[1]);
}

/** Relay pagination as GitHub applies it: first/last required and at most 100, after/before as exclusive bounds. */
function connection<T>(name: string, items: readonly T[], args: ConnectionArgs, toNode: (item: T) => Record<string, unknown>): Record<string, unknown> {
  const { first, last } = args;
  if ((first === null || first === undefined) && (last === null || last === undefined)) {
    throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`, {
      extensions: { type: "MISSING_PAGINATION_BOUNDARIES" },
    });
  }
  for (const [arg, value] of [["first", first], ["last", last]] as const) {
    if (value !== null && value !== undefined && (value < 0 || value > MAX_PAGE)) {
      throw new GraphQLError(`Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of ${MAX_PAGE} records.`, {
        extensions: { type: "EXCESSIVE_PAGINATION" },
      });
    }
  }
  let start = args.after ? offsetOf(args.after) + 1 : 0;
  let end = args.before ? offsetOf(args.before) : items.length;
  start = Math.max(0, Math.min(start, items.length));
  end = Math.max(start, Math.min(end, items.length));
  if (first !== null && first !== undefined) end = Math.min(end, start + first);
  if (last !== null && last !== undefined) start = Math.max(start, end - last);
  const slice = items.slice(start, end);
  const edges = slice.map((item, i) => ({ cursor: cursorOf(start + i), node: toNode(item) }));
  return {
    totalCount: items.length,
    nodes: edges.map((edge) => edge.node),
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
