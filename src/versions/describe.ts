// The reply sentence for a range that cannot be searched, safe to drop into issue markdown.
import { inlineCode } from "../render/escape.js";
import type { ResolveError, TagFilter } from "./types.js";

/** "a", "a or b", "a, b or c". */
function listOf(items: readonly string[], lastJoin: "or" | "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${lastJoin} ${items[items.length - 1] ?? ""}`;
}

function describeFilter(filter: TagFilter): string {
  const parts = [`names matching ${inlineCode(filter.include === "" ? "*" : filter.include)}`];
  if (filter.exclude !== "") parts.push(`not matching ${inlineCode(filter.exclude)}`);
  if (!filter.prereleases) parts.push("without prereleases");
  return listOf(parts, "and");
}

/** One or two friendly sentences telling the user what is wrong with the range and what to try instead. */
export function describeResolveError(error: ResolveError): string {
  switch (error.kind) {
    case "unknown-tag": {
      const missing = `There is no tag named ${inlineCode(error.name)} in this repository.`;
      if (error.suggestions.length === 0) return missing;
      return `${missing} Did you mean ${listOf(error.suggestions.map(inlineCode), "or")}?`;
    }
    case "same-tag":
      return error.other === null
        ? `${inlineCode(error.name)} was given as both the good and the bad version, so there is nothing to search between them.`
        : `${inlineCode(error.name)} and ${inlineCode(error.other)} point to the same commit, so there is nothing to search between them.`;
    case "reversed":
      return (
        `${inlineCode(error.good)} is not an ancestor of ${inlineCode(error.bad)}: it is the other way round, ` +
        `${inlineCode(error.bad)} is older. The good version comes first in a range; ` +
        `did you mean ${inlineCode(`${error.bad}..${error.good}`)}?`
      );
    case "diverged": {
      const apart =
        `${inlineCode(error.good)} is not an ancestor of ${inlineCode(error.bad)}: they are on separate lines of history, ` +
        `so there is no path of releases from one to the other.`;
      const tags = error.mergeBaseTags.map(inlineCode);
      const first = error.mergeBaseTags[0];
      if (first === undefined) return `${apart} The commit where they fork has no tag.`;
      return (
        `${apart} They fork at the commit tagged ${listOf(tags, "and")}; ` +
        `${inlineCode(`${first}..${error.bad}`)} would search the line that leads to ${inlineCode(error.bad)}.`
      );
    }
    case "filter-empty":
      return (
        `None of the ${error.hidden} ${error.hidden === 1 ? "tag" : "tags"} between ${inlineCode(error.good)} and ` +
        `${inlineCode(error.bad)} passes the filter (${describeFilter(error.filter)}). ` +
        `Widen the filter, or leave it out to search every tag.`
      );
  }
}
