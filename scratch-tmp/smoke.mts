import pino from "pino";
import { startSandbox } from "../src/sandbox/index.ts";
import { appOctokit } from "../test/sandbox/support.ts";
import { resolveRangeVersions } from "../src/github/versions-source.ts";
const H = "/work/shared/fixtures/histories/";
const log = pino({ level: "warn" });
const cases: [string | { tags: number }, string, string][] = [
  [H + "pallets__flask.json.gz", "0.1", "3.1.3"],
  [H + "expressjs__express.json.gz", "0.0.1", "v5.2.1"],
  [H + "git__git.json.gz", "v2.30.2", "v2.55.0"],
  [{ tags: 10000 }, "v0.1976.0", "v0.10000.0"],
];
for (const [history, good, bad] of cases) {
  const sb = await startSandbox({ history, validateRequests: false });
  const gh = appOctokit(sb) as any;
  const results: Record<string, any> = {};
  for (const source of ["rest", "graphql", "auto"] as const) {
    const before = sb.requests.length;
    const t = performance.now();
    const out = await resolveRangeVersions(gh, { owner: sb.repo.owner, repo: sb.repo.name }, { good, bad, filter: { include: "*", exclude: "", prereleases: true }, source }, log);
    const reqs = sb.requests.slice(before).filter((r) => !r.route.includes("access_tokens"));
    results[source] = out;
    console.log(String(history).slice(-25), source, out.kind, (out as any).versions?.length, JSON.stringify(out.cost), "requests", reqs.length, `${Math.round(performance.now() - t)}ms`);
  }
  console.log("  same:", JSON.stringify(results.rest.versions) === JSON.stringify(results.graphql.versions), JSON.stringify(results.rest.versions) === JSON.stringify(results.auto.versions));
  await sb.close();
}
