// `.github/locate.yml` (§6): a strict schema with a default for every key; a bad file gets a reply naming the key,
// and a retired key (issue 12) gets one naming what replaced it.
import { z } from "zod";
import { CONFIDENCE, FLAKE_RATE, retiredConfigKey } from "./search-settings.js";
import { DEFAULT_SKIP_STEPS, stepGlobProblem } from "./skip-steps.js";

const WORKFLOW = /^(?:[A-Za-z0-9._-]+\.ya?ml|\d+)$/;
const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const RESERVED_INPUTS = new Set(["ref", "tag", "locate_id", "repro", "repro_lang"]);

export const RepoConfig = z
  .object({
    /** File name (e.g. `locate.yml`) or numeric id of the workflow to dispatch. */
    workflow: z
      // YAML reads an unquoted id as a number.
      .preprocess(
        (value) => (typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? String(value) : value),
        z.string().regex(WORKFLOW, "must be a workflow file name like locate.yml, or its numeric id"),
      )
      .default("locate.yml")
      .describe("File name (e.g. locate.yml) or numeric id of the workflow to dispatch."),
    /** Branch to dispatch on; default: the repository's default branch. */
    "dispatch-ref": z.string().min(1).max(255).optional().describe("Branch to dispatch the workflow on; default: the repository's default branch."),
    /** Extra static workflow inputs, merged under the inputs of a `/locate` command. */
    inputs: z
      .record(
        z.string().regex(INPUT_NAME, "input names are letters, digits, _ and -").refine((name) => !RESERVED_INPUTS.has(name), "ref, tag, locate_id, repro and repro_lang are set by Locate"),
        z.union([z.string().max(1000), z.number(), z.boolean()]).transform(String),
      )
      .refine((inputs) => Object.keys(inputs).length <= 22, "at most 22 inputs (GitHub allows 25, Locate sends 3)")
      .default({})
      .describe("Extra static workflow inputs, merged under the input.<name>= options of a /locate command."),
    /** At most this many runs of a hunt in flight at once: auto-pilot's picks per round, ticks and re-runs included. */
    parallel: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe("At most this many runs of a hunt in flight at once: auto-pilot's picks per round, ticks and re-runs included."),
    /** Candidates shown per round. */
    candidates: z.number().int().min(3).max(20).default(10).describe("Candidates shown per round in the hunt comment."),
    /** Which tags count as versions. */
    tags: z
      .object({
        include: z.string().min(1).max(200).default("*"),
        exclude: z.string().max(200).default(""),
        prereleases: z.boolean().default(true),
      })
      .strict()
      .default({ include: "*", exclude: "", prereleases: true })
      .describe("Which tags count as versions: include and exclude globs (* matches any characters), and whether prereleases count."),
    /** Minimum role to start hunts and spend CI. */
    permission: z.enum(["triage", "write", "maintain", "admin"]).default("write").describe("Minimum role to start hunts and spend CI runs."),
    /** A run with no verdict after this many minutes counts as inconclusive. */
    "timeout-minutes": z.number().int().min(1).max(72 * 60).default(120).describe("A run with no verdict after this many minutes counts as inconclusive."),
    /** Stop when one version holds at least this probability of being the first bad one; higher asks for more runs. */
    confidence: z
      .number()
      .min(CONFIDENCE.min)
      .max(CONFIDENCE.max)
      .default(CONFIDENCE.default)
      .describe("Stop when one version holds at least this probability of being the first bad one; higher asks for more runs."),
    /**
     * How often you expect a run to give the wrong verdict, either way; only a starting point — Locate re-estimates it
     * from the hunt's runs and earlier hunts of the same workflow.
     */
    "flake-rate": z
      .number()
      .min(FLAKE_RATE.min)
      .max(FLAKE_RATE.max)
      .default(FLAKE_RATE.default)
      .describe(
        "How often you expect a run to give the wrong verdict, either way; only a starting point — Locate re-estimates it from the hunt's runs and earlier hunts of the same workflow.",
      ),
    /** Globs over step names; a run whose first failed step matches did not build, so it is inconclusive, not bad. */
    "skip-steps": z
      .array(z.string().superRefine((glob, ctx) => {
        const problem = stepGlobProblem(glob);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }))
      .max(50)
      .default([...DEFAULT_SKIP_STEPS])
      .describe("Globs over step names (case-insensitive, * crosses /). A run whose first failed step matches did not build: inconclusive, not bad. [] turns it off."),
    /** Mention the starter in a new comment when the hunt ends or waits for a person. */
    notify: z.boolean().default(true).describe("Post a short comment mentioning the starter when the hunt ends or waits for a person."),
    /** Budget of runs per hunt. */
    "max-runs": z.number().int().min(1).max(1000).default(50).describe("Budget of runs per hunt."),
  })
  .strict();

export type RepoConfig = z.infer<typeof RepoConfig>;

export const DEFAULT_REPO_CONFIG: RepoConfig = RepoConfig.parse({});

/**
 * Keys the schema does not know: a retired top-level key gets its own problem naming what replaced it (never a
 * silent ignore, never the generic "unknown key"); the rest are listed as unknown.
 */
function unrecognizedKeysProblems(keys: readonly string[], parent: string | null): string[] {
  const problems: string[] = [];
  const unknown: string[] = [];
  for (const name of keys) {
    const retired = parent === null ? retiredConfigKey(name) : undefined;
    if (retired) problems.push(`\`${name}\` is no longer used: ${retired.why}. ${retired.instead}`);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    const where = parent === null ? "" : ` in \`${parent}\``;
    problems.push(`unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((name) => `\`${name}\``).join(", ")}${where}`);
  }
  return problems;
}

/** Validates a parsed YAML document (null for an empty or missing file). */
export function parseRepoConfig(raw: unknown): { ok: true; config: RepoConfig } | { ok: false; problems: string[] } {
  const result = RepoConfig.safeParse(raw ?? {});
  if (result.success) return { ok: true, config: result.data };
  const problems = result.error.issues.flatMap((issue): string[] => {
    const key = issue.path.length ? issue.path.join(".") : "(top level)";
    // A record key that fails its own check reports the reason one level down.
    if (issue.code === "invalid_key") return [`\`${key}\`: ${issue.issues.map((inner) => inner.message).join("; ")}`];
    if (issue.code === "unrecognized_keys") return unrecognizedKeysProblems(issue.keys, issue.path.length ? key : null);
    return [`\`${key}\`: ${issue.message}`];
  });
  return { ok: false, problems };
}

/**
 * The JSON Schema of the file, for editors (`# yaml-language-server: $schema=…`); `npm run schema` writes it to
 * schema/locate.schema.json and a test keeps that file in step with this schema.
 */
export function repoConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RepoConfig, { io: "input", unrepresentable: "any" }),
    title: ".github/locate.yml",
    description: "Per-repository settings of Locate, the GitHub App that finds the release tag that broke something.",
  };
}
