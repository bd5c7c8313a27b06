// The reproduction from the issue (issue 14): the first fenced code block of the command's comment (or, with
// `repro=issue`, of the issue body) goes to the workflow as the input `repro`, its info string as `repro_lang`.
// Pure. Only people allowed to start hunts get here, and they could change the workflow anyway: no new trust.

/** Where the reproduction comes from: the command's own comment (default), the issue body, or nowhere. */
export type ReproSource = "comment" | "issue" | "none";
export const REPRO_SOURCES: readonly ReproSource[] = ["comment", "issue", "none"];

export const REPRO_INPUT = "repro";
export const REPRO_LANG_INPUT = "repro_lang";
/** Inputs Locate sets from the reproduction; users may not set them by hand. */
export const REPRO_INPUT_NAMES: readonly string[] = [REPRO_INPUT, REPRO_LANG_INPUT];

export interface Repro {
  readonly code: string;
  /** The info string's first word (`sh`, `js`, `python`), or "" when there is none or it is not a plain word. */
  readonly lang: string;
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const LANG = /^[A-Za-z0-9_+#.-]{1,32}$/;
// Postgres cannot store NUL, and lone surrogates are not text: neither can be part of a reproduction.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function langOf(info: string): string {
  // `{.python}` and `python title="x"` are both common; the first word, braces and dot removed, is the language.
  const word = info.trim().split(/\s+/, 1)[0]?.replace(/^\{\.?|\}$/g, "") ?? "";
  return LANG.test(word) ? word : "";
}

/**
 * The first fenced code block of a markdown body (CommonMark fences: three or more backticks or tildes, indented at
 * most three spaces; an unclosed fence runs to the end). Blocks inside block quotes are someone else's words and are
 * passed over. Null when there is none, or it is empty.
 */
export function firstFencedBlock(body: string | null | undefined): Repro | null {
  if (typeof body !== "string") return null;
  const lines = body.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE_OPEN.exec(lines[index] ?? "");
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const marker = open[2] ?? "";
    const info = open[3] ?? "";
    // A backtick line whose info string holds a backtick is inline code, not a fence.
    if (marker.startsWith("`") && info.includes("`")) continue;
    const content: string[] = [];
    for (index += 1; index < lines.length; index++) {
      const line = lines[index] ?? "";
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1]?.[0] === marker[0] && (close[1]?.length ?? 0) >= marker.length) break;
      // Content loses up to the fence's own indentation, as CommonMark says.
      content.push(line.replace(new RegExp(`^ {0,${indent}}`), ""));
    }
    const code = content.join("\n").replace(UNSTORABLE, "");
    return code.trim() === "" ? null : { code, lang: langOf(info) };
  }
  return null;
}

export type ReproChoice = { readonly ok: true; readonly repro: Repro | null } | { readonly ok: false; readonly error: string };

/** The reproduction a start command asks for; an explicit `repro=issue` with no block in the issue is an error. */
export function chooseRepro(source: ReproSource | undefined, commentBody: string | null, issueBody: string | null): ReproChoice {
  if (source === "none") return { ok: true, repro: null };
  if (source === "issue") {
    const repro = firstFencedBlock(issueBody);
    return repro
      ? { ok: true, repro }
      : { ok: false, error: "`repro=issue` takes the first fenced code block of the issue body, and the issue body has none. Add one (```sh … ```), or leave the option out." };
  }
  return { ok: true, repro: firstFencedBlock(commentBody) };
}

/** The workflow inputs that carry a reproduction. */
export function reproInputs(repro: Repro | null): Record<string, string> {
  return repro ? { [REPRO_INPUT]: repro.code, [REPRO_LANG_INPUT]: repro.lang } : {};
}

/** The reply when the inputs with the reproduction exceed GitHub's dispatch limits: what happened and what to do. */
export function reproTooLargeReply(problem: string, repro: Repro): string {
  const lines = repro.code.split("\n").length;
  return [
    `⚠️ The hunt did not start: the reproduction (${repro.code.length} characters, ${lines} line${lines === 1 ? "" : "s"}) does not fit in one workflow dispatch. ${problem}`,
    "",
    "Line breaks, quotes and backslashes count twice once encoded as JSON. Shorten the code block, or commit the reproduction as a script, run it from the workflow, and start again with `repro=none`.",
  ].join("\n");
}
