import { startSandbox } from "../src/sandbox/index.ts";
import { appOctokit } from "../test/sandbox/support.ts";
import { LIST_TAGS_QUERY } from "../src/github/graphql-history.ts";
const sb = await startSandbox({ history: { tags: 10000 }, validateRequests: false });
const gh = appOctokit(sb) as any;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await gh.graphql(LIST_TAGS_QUERY, { owner: sb.repo.owner, name: sb.repo.name, good: "refs/tags/v0.1976.0", bad: "refs/tags/v0.10000.0", first: 100 });
  console.log("req", performance.now() - t, sb.requests.at(-1)!.ms);
}
await sb.close();
