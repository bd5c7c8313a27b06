// Builds a small, seeded, mostly linear repository history (tags v0.1.0 … v0.N.0, a merge or two) in the fixture file shape.
import type { HistoryData } from "./history.js";
import { prng, sha1Hex } from "./prng.js";

const START = Date.UTC(2021, 0, 4, 9, 0, 0) / 1000;

export function syntheticHistory(tagCount: number, seed: number, repo = "acme/widgets"): HistoryData {
  if (!Number.isInteger(tagCount) || tagCount < 1) throw new Error(`synthetic history needs at least one tag, got ${tagCount}`);
  const rand = prng(seed ^ 0x5eed);
  const commits: HistoryData["commits"] = [];
  const tags: HistoryData["tags"] = [];
  let time = START;
  const commit = (parents: string[]): string => {
    time += rand.int(600, 36 * 3600);
    const sha = sha1Hex(`synthetic:${repo}:${seed}:${commits.length}`);
    commits.push([sha, parents, time]);
    return sha;
  };

  let main = commit([]);
  // Side branches merged back at a third and two thirds give the "diverged" and merge-commit cases something to chew on.
  const mergeAt = new Set(tagCount >= 3 ? [Math.floor(tagCount / 3), Math.floor((2 * tagCount) / 3)] : []);
  for (let t = 0; t < tagCount; t++) {
    if (mergeAt.has(t)) {
      let side = commit([main]);
      side = commit([side]);
      main = commit([main]);
      main = commit([main, side]);
    }
    const between = rand.int(1, 4);
    for (let i = 0; i < between; i++) main = commit([main]);
    tags.push({ name: `v0.${t + 1}.0`, sha: main, date: time, annotated: t % 2 === 0 });
  }
  // Unreleased work on the default branch after the last tag.
  main = commit([main]);
  main = commit([main]);
  return { repo, defaultBranch: "main", defaultBranchSha: main, commits, tags };
}
