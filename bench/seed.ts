// Hunts in flight written straight into a store with the app's own queries, for the memory section.
import type { Db } from "../src/db/client.js";
import { insertHunt, loadSnapshot, recordEvent, updateHunt } from "../src/db/queries/hunts.js";
import { insertRun, markDispatched } from "../src/db/queries/runs.js";
import { newRunToken } from "../src/hunt/runs.js";
import { analyzeSearch } from "../src/search/index.js";

/** Where the hunts live: the sandbox's installation and repository, and the versions every hunt covers. */
export interface SeedRepo {
  readonly installationId: number;
  readonly repoId: number;
  readonly owner: string;
  readonly name: string;
  readonly htmlUrl: string;
  readonly defaultBranch: string;
  readonly workflow: string;
  readonly versions: ReadonlyArray<{ readonly name: string; readonly sha: string }>;
}

/** One hunt to write: its issue, and Locate's comment there when one exists (null: not on any GitHub). */
export interface SeedHunt {
  readonly index: number;
  readonly issue: number;
  readonly commentId: number | null;
}

/** The first running run of a seeded hunt, for a workflow_run delivery that names it. */
export interface SeededRun {
  readonly huntId: number;
  readonly issue: number;
  readonly runId: number;
  readonly token: string;
  readonly tag: string;
}

export const PARALLEL = 3;
/** What the comment says until the app renders it: any text the app's render differs from. */
export const PLACEHOLDER = "<!-- locate: seeded by the benchmark; the app's first render replaces this -->";
/** Run ids far above the sandbox's own, so a seeded run is never mistaken for a simulated one. */
const FIRST_RUN_ID = 70_000_000_000;

/**
 * Writes each hunt as auto-pilot leaves it after its first dispatch: searching, the core's k picks running with run
 * ids, one event; with `readBack`, reads its snapshot once, as the app does for every event it handles.
 */
export async function seedHunts(db: Db, repo: SeedRepo, hunts: readonly SeedHunt[], readBack = false): Promise<SeededRun[]> {
  const versions = repo.versions.map((v) => ({ names: [v.name], sha: v.sha }));
  const picks = analyzeSearch({ size: versions.length, observations: [], pending: [] }, { parallel: PARALLEL, candidates: 10, confidence: 0.99, flakeRate: 0.05 }).picks;
  const seeded: SeededRun[] = [];
  // One transaction per call: a commit per statement makes seeding 1,000 hunts in PGlite take a minute.
  await db.transaction(async (tx) => {
    for (const hunt of hunts) seeded.push(await seedOne(tx, repo, versions, picks, hunt));
  });
  if (readBack) for (const run of seeded) await loadSnapshot(db, run.huntId);
  return seeded;
}

async function seedOne(
  db: Db,
  repo: SeedRepo,
  versions: ReadonlyArray<{ names: string[]; sha: string }>,
  picks: readonly number[],
  { index, issue, commentId }: SeedHunt,
): Promise<SeededRun> {
  let first: SeededRun | undefined;
  const user = `user${index}`;
  const hunt = await insertHunt(
    db,
    {
      installationId: repo.installationId,
      repoId: repo.repoId,
      owner: repo.owner,
      repo: repo.name,
      repoUrl: repo.htmlUrl,
      issueNumber: issue,
      good: versions[0]?.names[0] ?? "",
      bad: versions[versions.length - 1]?.names[0] ?? "",
      state: "searching",
      autopilot: true,
      workflow: repo.workflow,
      dispatchRef: repo.defaultBranch,
      inputs: {},
      parallel: PARALLEL,
      candidates: 10,
      maxRuns: 50,
      timeoutMinutes: 120,
      createdBy: user,
    },
    versions,
  );
  await recordEvent(db, hunt.id, user, "start", { good: hunt.good, bad: hunt.bad, versions: versions.length });
  for (const [j, position] of picks.entries()) {
    const token = newRunToken(hunt.id);
    const row = await insertRun(db, { huntId: hunt.id, position, token, round: 1, status: "running" });
    const runId = FIRST_RUN_ID + index * PARALLEL + j;
    // No link yet, as after a dispatch on a server that returns no run details: the in_progress event brings it, so
    // the app renders the comment (a run that merely started with its link already known costs no edit).
    await markDispatched(db, row.id, { runId, url: null });
    first ??= { huntId: hunt.id, issue, runId, token, tag: versions[position]?.names[0] ?? "" };
  }
  await updateHunt(db, hunt.id, { round: 1, commentId, commentBody: PLACEHOLDER });
  if (!first) throw new Error("the search core suggested no picks for a fresh hunt");
  return first;
}
