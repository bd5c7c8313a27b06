// Closest existing tag names for a name the user typed that matches no tag.
import { distance } from "fastest-levenshtein";
import { compareTagNames } from "./names.js";

const MAX_SUGGESTIONS = 3;

// Lower ranks are better matches; within a rank, smaller edit distance wins, then name order.
const Closeness = {
  /** Same name but for letter case: `V1.0` for `v1.0`. */
  Case: 0,
  /** Same version under another prefix: `1.2.0` for `v1.2.0`, `svelte@4.0.0` for `v4.0.0`. */
  SameVersion: 1,
  /** One name starts or ends with the other: `v2.45.0` for `v2.45`. */
  Affix: 2,
  /** Only a few edits apart: `v1.2.8` for `v1.2.9`. */
  Edits: 3,
} as const;
type Closeness = (typeof Closeness)[keyof typeof Closeness];

/** The name without a `refs/tags/` or package (`name@`) prefix and without a leading `v`. */
function versionCore(name: string): string {
  const withoutRef = name.startsWith("refs/tags/") ? name.slice("refs/tags/".length) : name;
  const withoutPackage = withoutRef.slice(withoutRef.lastIndexOf("@") + 1);
  return withoutPackage.replace(/^[vV](?=\d)/, "");
}

/**
 * Up to three tag names the user probably meant, best first. Names that share little with the
 * input are left out rather than padded in: a reply suggesting `list` for `v9.9.9` helps nobody.
 */
export function suggestTagNames(input: string, names: readonly string[]): string[] {
  const inputLower = input.toLowerCase();
  const inputCore = versionCore(input);
  // A third of the length lets longer names carry more typos; 2 keeps short ones useful.
  const maxEdits = Math.max(2, Math.floor(input.length / 3));
  const scored: { name: string; closeness: Closeness; edits: number }[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name === input || seen.has(name)) continue;
    seen.add(name);
    const edits = Math.min(distance(input, name), distance(inputCore, versionCore(name)));
    let closeness: Closeness;
    if (name.toLowerCase() === inputLower) closeness = Closeness.Case;
    else if (inputCore !== "" && versionCore(name) === inputCore) closeness = Closeness.SameVersion;
    else if (input.length >= 3 && (name.startsWith(input) || name.endsWith(input) || input.endsWith(name)))
      closeness = Closeness.Affix;
    else if (edits <= maxEdits) closeness = Closeness.Edits;
    else continue;
    scored.push({ name, closeness, edits });
  }
  scored.sort(
    (a, b) => a.closeness - b.closeness || a.edits - b.edits || compareTagNames(a.name, b.name),
  );
  return scored.slice(0, MAX_SUGGESTIONS).map((entry) => entry.name);
}

