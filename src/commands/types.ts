// The commands a user can give, as values: every parse outcome is either a command or a user-facing error.

export interface StartOptions {
  workflow?: string;
  parallel?: number;
  filter?: string;
  auto?: boolean;
  /** Runs per version (1..5); a version is good only if all pass. */
  repeat?: number;
  /** Test the good and bad ends in the first round (default on). */
  verify?: boolean;
  /** Run the last good and first bad once more before declaring them (default on in auto-pilot). */
  confirm?: boolean;
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
