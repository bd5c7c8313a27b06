// Public entry point of the pure search core: analysis, round estimate and their types.
export { analyzeSearch, roundsNeeded } from "./search.js";
export type { FlakeHistory, FlakeRates, Observation, SearchInput, SearchOptions, SearchOutcome, SearchView, Verdict } from "./types.js";
