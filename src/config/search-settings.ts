// The search settings a hunt takes from `.github/locate.yml` or its start command (confidence, flake rate), and the
// settings they replaced: one place for ranges, defaults and "what replaces this", read by the config schema, the
// command parser and the help. Plain data, no dependencies.

/** Stop when one version holds at least this probability of being the first bad one. */
export const CONFIDENCE = { min: 0.9, max: 0.9999, default: 0.99 } as const;

/**
 * Expected chance that a run gives the wrong verdict, either way. The default is small on purpose: most workflows
 * are rarely flaky, a small prior costs few extra runs on a clean workflow, and the search re-estimates the rate
 * from the hunt's own runs, so a flaky workflow is recognised without being told.
 */
export const FLAKE_RATE = { min: 0, max: 0.3, default: 0.05 } as const;

/** A setting that is no longer used, and what a user should do instead. */
export interface RetiredSetting {
  /** Its key in `.github/locate.yml`, or null when it never was one. */
  readonly configKey: string | null;
  /** Its start option (`/locate a..b <option>`), or null when it never was one. */
  readonly option: string | null;
  /** Why it is gone, as the end of "… is no longer used: <why>". */
  readonly why: string;
  /** What to do instead, as a sentence. */
  readonly instead: string;
}

const FOR_A_FLAKY_WORKFLOW = "Remove it; for a flaky workflow set `flake-rate` (and `confidence`).";

export const RETIRED_SETTINGS: readonly RetiredSetting[] = [
  {
    configKey: "repeat",
    option: "repeat",
    why: "Locate re-runs a version by itself when its runs disagree",
    instead: FOR_A_FLAKY_WORKFLOW,
  },
  {
    configKey: "fail-threshold",
    option: null,
    why: "every run now counts as evidence, so `confidence` and `flake-rate` replace a count of failing runs",
    instead: FOR_A_FLAKY_WORKFLOW,
  },
  {
    configKey: "verify-endpoints",
    option: "verify",
    why: "the good and bad ends are now weighed with the other runs, and tested only when the evidence points at them",
    instead: "Remove it.",
  },
  {
    configKey: "confirm",
    option: "confirm",
    why: "`confidence` replaces it, as the answer is named once it is that probable, with no separate confirmation runs",
    instead: "Remove it; raise `confidence` to ask for more certainty.",
  },
];

/** The retired `.github/locate.yml` key named `key`, if it is one. */
export function retiredConfigKey(key: string): RetiredSetting | undefined {
  return RETIRED_SETTINGS.find((setting) => setting.configKey === key);
}

/** The retired start option named `name`, if it is one. */
export function retiredStartOption(name: string): RetiredSetting | undefined {
  return RETIRED_SETTINGS.find((setting) => setting.option === name);
}

/** `0.9999` → `99.99%`, without floating-point noise. */
export function asPercent(probability: number): string {
  return `${Number((probability * 100).toPrecision(10))}%`;
}
