// Issue 13, "one way through": use cases decide and store; only the write scheduler's code writes to GitHub. A new
// write call anywhere else (a handler posting a reply itself, say) fails here.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Calls that change something on GitHub: Locate's write adapters, and Octokit's writing methods and verbs. */
const WRITE_CALL = /\b(createComment|updateComment|reactSeen|dispatchWorkflow|cancelRun)\(|\.rest\.\w+\.(create|update|delete|cancel)\w*\(|request\(\s*["'`](POST|PATCH|PUT|DELETE) /;

describe("GitHub writes", () => {
  it("are made only by src/outbox/ (the adapters in src/github/ and the sandbox, GitHub's stand-in, aside)", () => {
    const offenders = sources(SRC)
      .map((path) => relative(SRC, path))
      .filter((path) => !path.startsWith("outbox/") && !path.startsWith("github/") && !path.startsWith("sandbox/"))
      .filter((path) => WRITE_CALL.test(readFileSync(join(SRC, path), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the check sees a write where there is one", () => {
    expect(WRITE_CALL.test(readFileSync(join(SRC, "outbox/perform.ts"), "utf8"))).toBe(true);
    expect(WRITE_CALL.test('await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", params)')).toBe(true);
    expect(WRITE_CALL.test("await gh.rest.issues.listComments(params)")).toBe(false);
  });
});
