// The commands a user can give, as values: every parse outcome is either a command or a user-facing error.

export interface StartOptions {
  workflow?: string;
  /** At most this many runs of the hunt in flight at once (1..10). */
  parallel?: number;
  filter?: string;
  auto?: boolean;
  /** `confidence=`: stop when one version holds at least this probability of being the first bad one (0.9..0.9999). */
  confidence?: number;
  /** `flake-rate=`: expected chance that a run gives the wrong verdict, either way (0..0.3); a starting point. */
  flakeRate?: number;
  /** Where the reproduction passed as the `repro` input comes from (issue 14); default: the command's comment. */
  repro?: "comment" | "issue" | "none";
  /** Extra workflow inputs from `input.<name>=<value>`, in the order given. */
  inputs: Record<string, string>;
}

export type Command =
  | { kind: "start"; good: string; bad: string; options: StartOptions }
  | { kind: "status" }
  | { kind: "verdict"; verdict: "good" | "bad" | "skip"; tag: string; note: string | null }
  | { kind: "retry"; tag: string }
  | { kind: "auto" }
  | { kind: "manual" }
  | { kind: "pause" }
  | { kind: "resume" }
  | { kind: "cancel" }
  | { kind: "commits" }
  | { kind: "help" };

export type CommandKind = Command["kind"];

export type ParsedLine =
  | { ok: true; line: string; command: Command }
  | { ok: false; line: string; error: string };
