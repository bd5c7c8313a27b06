// The one order of tag names used across version resolution.

/**
 * UTF-16 code unit order, like `git tag --sort=refname` in the C locale. It is total and
 * locale-independent, so the same tags always produce the same version list on any machine.
 */
export function compareTagNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
