import { loadHistory } from "../test/helpers/histories.ts";
import { resolveByAncestry } from "../test/helpers/ancestry-path.ts";
import { DEFAULT_TAG_FILTER } from "../src/versions/resolve.ts";
for (const name of ["pallets__flask", "expressjs__express"]) {
  const h = loadHistory(name);
  let found = 0;
  for (const bad of h.tags) {
    for (const good of h.tags) {
      if (good.sha === bad.sha || !h.isAncestor(good.sha, bad.sha)) continue;
      const c = h.compareRange(good.sha, bad.sha).commits.length;
      if (c > 100) continue;
      const cost = { questions: 0, rounds: 0, candidates: 0 };
      resolveByAncestry(h, good.name, bad.name, DEFAULT_TAG_FILTER, cost);
      if (cost.questions > 0) { console.log(name, good.name, bad.name, c, JSON.stringify(cost)); if (++found > 3) break; }
    }
    if (found > 3) break;
  }
}
