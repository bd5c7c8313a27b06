import { loadHistory } from "../test/helpers/histories.ts";
for (const name of ["expressjs__express", "pallets__flask", "git__git"]) {
  const h = loadHistory(name);
  let on = 0, off = 0;
  for (const bad of h.tags) {
    const byIdx = h.indexOf;
    // first-parent chain set from bad, first 400
    const chain = new Set<string>(); let cur: string | undefined = bad.sha;
    for (let i = 0; i < 400 && cur; i++) { chain.add(cur); cur = h.commit(cur).parents[0]; }
    for (const good of h.tags) {
      if (good.sha === bad.sha || !h.isAncestor(good.sha, bad.sha)) continue;
      const c = h.compareRange(good.sha, bad.sha).commits.length;
      if (c > 300 || c < 3) continue;
      if (chain.has(good.sha)) { if (on++ < 2) console.log(name, "on", good.name, bad.name, c); }
      else if (off++ < 2) console.log(name, "off", good.name, bad.name, c);
    }
    if (on >= 2 && off >= 2) break;
  }
}
