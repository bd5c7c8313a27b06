// The view model the comment is rendered from: a plain snapshot of stored state, no I/O handles.
import type { RunReason } from "../hunt/verdict-reasons.js";
import type { SearchView, Verdict } from "../search/types.js";

export type HuntState = "searching" | "paused" | "found" | "cancelled" | "failed";
export type RunStatus = "queued" | "running" | "completed";

export interface VersionView {
  /** Tag names on this commit; the first names the version. In commit mode: the short SHA. */
  readonly names: readonly string[];
  /** 40-hex commit SHA. */
  readonly sha: string;
  /** Optional one-line title (commit mode: the commit title). */
  readonly title?: string | null;
}

export interface RunView {
  readonly position: number;
  readonly status: RunStatus;
  /** Set once status is completed (or for a manual verdict). */
  readonly verdict: Verdict | null;
  /** Link to the Actions run, when known. */
  readonly url: string | null;
  /** Who gave a manual verdict, or null for a CI run. */
  readonly manualBy: string | null;
  readonly note: string | null;
  /** Round in which the run was dispatched (1-based; 0 for manual verdicts). */
  readonly round: number;
  readonly attempt: number;
  /** Why a failed or inconclusive CI run ended so, when it was read (issue 14). */
  readonly reason?: RunReason | null;
}

export interface CommitView {
  readonly sha: string;
  readonly title: string;
  readonly author: string | null;
}

export interface FoundView {
  /** Commit mode: the pull request that brought the first bad commit in. */
  readonly pullRequest?: { readonly number: number; readonly title: string; readonly url: string } | null;
  /** Link to the compare view last good...first bad. */
  readonly compareUrl: string;
  /** Probability of the answer when it was named (absent for hunts found before answers carried one). */
  readonly probability?: number;
  /** Null when GitHub would not list them (see `unavailable`). */
  readonly totalCommits: number | null;
  /** First commits of the range, at most 30. */
  readonly commits: readonly CommitView[];
  /** Optional lookups GitHub refused, in plain text (issue 14). */
  readonly unavailable?: readonly string[];
}

export interface HuntView {
  readonly id: number;
  /** What the versions are: release tags, or first-parent commits after `/locate commits`. Absent: commits when versions carry titles, else tags. */
  readonly mode?: "tags" | "commits";
  readonly repoUrl: string; // https://github.com/owner/name (html url)
  readonly good: string;
  readonly bad: string;
  readonly state: HuntState;
  readonly autopilot: boolean;
  readonly parallel: number;
  /** The probability at which the hunt names its answer. */
  readonly confidence: number;
  readonly round: number;
  readonly versions: readonly VersionView[];
  /** All runs, oldest first. */
  readonly runs: readonly RunView[];
  readonly search: SearchView;
  readonly found: FoundView | null;
  /** Commit mode: link to the tag-level hunt's comment; tag mode: link to its commit-level hunt, once started. */
  readonly related?: { readonly label: string; readonly url: string } | null;
  /** Why the hunt failed or paused, if it did (plain text, escaped by the renderer). */
  readonly notice: string | null;
}

/** What a human changed in the comment, read back from its markers. */
export interface CommentMarks {
  readonly huntId: number | null;
  /** Decoded names of ticked candidate items. */
  readonly ticked: readonly string[];
  /** Whether the auto-pilot item is ticked; null when the item is absent. */
  readonly autopilot: boolean | null;
}
