// `skip-steps` (issue 14): which failed steps mean "did not build" rather than "bad". Pure; shared by the config
// schema, which validates the globs, and the verdict reasons, which match step names against them.
import picomatch from "picomatch";

/**
 * Steps that set up, install or build, by the names GitHub gives them (`Set up job`, `Run actions/setup-node@v4`) or
 * that workflows usually give them (`Install dependencies`, `Build`). Matched case-insensitively; `*` crosses `/`.
 */
export const DEFAULT_SKIP_STEPS: readonly string[] = [
  "Set up *",
  "Setup *",
  "Checkout*",
  "Run actions/checkout*",
  "Run actions/setup-*",
  "Install*",
  "*dependencies*",
  "Run npm ci*",
  "Run npm install*",
  "Run yarn install*",
  "Run pnpm install*",
  "Build*",
  "Compile*",
];

// Step names are not paths: `Run actions/checkout@v4` must match `Run actions/checkout*`, so `*` crosses `/` (bash).
const STEP_GLOB_OPTIONS: picomatch.PicomatchOptions = { bash: true, dot: true, nocase: true };
const MAX_STEP_GLOB_CHARS = 200;

/** Why a `skip-steps` glob cannot be used, or null when it compiles. */
export function stepGlobProblem(glob: string): string | null {
  if (glob.length === 0 || glob.length > MAX_STEP_GLOB_CHARS) return `must be 1 to ${MAX_STEP_GLOB_CHARS} characters`;
  try {
    picomatch.makeRe(glob, { ...STEP_GLOB_OPTIONS, strictBrackets: true, debug: true });
    return null;
  } catch (error) {
    return `is not a valid glob (${error instanceof Error ? (error.message.split("\n")[0] ?? "") : "invalid"})`;
  }
}

export function matchesSkipStep(step: string, globs: readonly string[]): boolean {
  return globs.length > 0 && picomatch(globs as string[], STEP_GLOB_OPTIONS)(step);
}

