import pino from "pino";
import { startSandbox } from "../src/sandbox/index.ts";
import { appOctokit } from "../test/sandbox/support.ts";
import { resolveRangeVersions } from "../src/github/versions-source.ts";
const log = pino({ level: "warn" });
for (const source of ["graphql", "auto", "graphql"] as const) {
  const sb = await startSandbox({ history: { tags: 10000 }, validateRequests: false });
  const gh = appOctokit(sb) as any;
  const t = performance.now();
  const out = await resolveRangeVersions(gh, { owner: sb.repo.owner, repo: sb.repo.name }, { good: "v0.1976.0", bad: "v0.10000.0", filter: { include: "*", exclude: "", prereleases: true }, source }, log);
  console.log(source, JSON.stringify(out.cost), `${Math.round(performance.now() - t)}ms`);
  await sb.close();
}
