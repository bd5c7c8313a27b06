// Which tag names take part in a hunt: the user's include/exclude globs and the prerelease rule.
import picomatch from "picomatch";
import { parse as parseSemver } from "semver";
import type { TagFilter } from "./types.js";

export const DEFAULT_TAG_FILTER: TagFilter = { include: "*", exclude: "", prereleases: true };

// Tag names are not paths, so a user writing `*` or `create-vite@*` means "anything here",
// slashes included (`release/1.0`, `@scope/pkg@1.0.0`). picomatch's `bash` option makes a
// single `*` behave like `**`, i.e. cross `/`. `?` still never matches `/`, which is fine for
// tag names in practice. `dot` only matters for names starting with ".", which git forbids,
// but keeps `*` from surprising anyone if such a name ever arrives.
const GLOB_OPTIONS: picomatch.PicomatchOptions = { bash: true, dot: true };

/** Compiles the filter once; the returned predicate is cheap enough to run over thousands of tags. */
export function compileTagFilter(filter: TagFilter): (name: string) => boolean {
  const include = picomatch(filter.include === "" ? "*" : filter.include, GLOB_OPTIONS);
  const exclude = filter.exclude === "" ? null : picomatch(filter.exclude, GLOB_OPTIONS);
  return (name) =>
    include(name) && !(exclude?.(name) ?? false) && (filter.prereleases || !isPrereleaseTag(name));
}

// Words that mark a prerelease wherever the suffix starts with them, with or without a
// separator: `1.0.0rc`, `3.0.0alpha1`, `7.2-rc1`, `v2.0.0-rc1b`, `5.0.0-next.3`, `v5.24.0-test.2`.
const PRERELEASE_WORD = /^[-._]?(?:alpha|beta|rc|pre|preview|next|canary|dev|nightly|snapshot|test|milestone)/;
// Single letters are prereleases only with a number after them (PEP 440 `1.0a1`, `2.0b2`,
// redis milestone `8.0-m01`); a bare trailing letter is git's post-release style (`v0.99.9a`).
const PRERELEASE_LETTER = /^[-._]?[abm]\d/;
// Semver suffixes that say "this is the release", seen on real tags (`v2.0.0-stable`).
const RELEASE_WORDS = new Set(["stable", "final", "release", "ga", "lts"]);

/**
 * Whether a tag name looks like a prerelease. The rule, applied to the name lower-cased:
 * 1. strip a package prefix up to the last `@` (`svelte@`, `@scope/pkg@`), then any leading
 *    non-digits (`v`, `gitgui-`, `release/`); what is left must start with `N(.N)*`, or the
 *    name is not a version at all and is not a prerelease (`list`, `vm-playpen`);
 * 2. the suffix after the numbers is a prerelease when it starts with a prerelease word
 *    (alpha, beta, rc, pre, preview, next, canary, dev, nightly, snapshot, test, milestone)
 *    or with `a`/`b`/`m` followed by a digit;
 * 3. otherwise, when the rest is valid semver, its prerelease part decides, except that an
 *    all-numeric one (`2.6.10-1`, a packaging revision after the release) and release words
 *    (`-stable`, `-final`) do not count.
 * Post-release letters (`v0.99.9a`), branch-like tags (`1.1.x`) and four-part versions are releases.
 */
export function isPrereleaseTag(name: string): boolean {
  const lower = name.toLowerCase();
  const afterPackage = lower.slice(lower.lastIndexOf("@") + 1);
  const version = afterPackage.replace(/^[^0-9]+/, "");
  const numbers = /^\d+(?:\.\d+)*/.exec(version);
  if (numbers === null) return false;
  const suffix = version.slice(numbers[0].length);
  if (suffix === "") return false;
  if (PRERELEASE_WORD.test(suffix) || PRERELEASE_LETTER.test(suffix)) return true;
  const parsed = parseSemver(version);
  if (parsed === null || parsed.prerelease.length === 0) return false;
  const identifiers = parsed.prerelease.map(String);
  if (identifiers.every((part) => /^\d+$/.test(part))) return false;
  return !RELEASE_WORDS.has(identifiers[0] ?? "");
}
