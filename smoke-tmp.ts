import { startSandbox } from "./src/sandbox/index.js";
import { appOctokit, ownerRepo } from "./test/sandbox/support.js";
const s = await startSandbox({ history: { tags: 8 }, seed: 7, flakeRate: 0.3, inconclusiveRate: 0.3, runDuration: { minMs: 0, maxMs: 5 } });
try {
  await Promise.all(s.tags.map((t) => appOctokit(s).request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", { ...ownerRepo(s), workflow_id: "locate.yml", ref: "main", inputs: { ref: t.sha, tag: t.name } } as never)));
} catch (e: any) { console.log("ERR", e.status, e.message); }
console.log(s.requests.map(r => `${r.route} ${r.status} ${JSON.stringify(r.response).slice(0,100)}`));
await s.close();
