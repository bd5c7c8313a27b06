// Grammar of `/locate` command lines: every valid form, every error, and the registry-generated help.

import { describe, expect, it } from "vitest";
import {
  COMMANDS,
  START_OPTIONS,
  parseCommandLine,
  parseCommands,
  renderHelp,
  requiredPermission,
  tagNameProblem,
  workflowInputsProblem,
} from "../../src/commands/index.js";
import type { Command, CommandKind, ParsedLine } from "../../src/commands/index.js";

function commandOf(line: string): Command {
  const parsed = parseCommandLine(line);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(line)} to parse, got error: ${parsed.error}`);
  return parsed.command;
}

function errorOf(line: string): string {
  const parsed = parseCommandLine(line);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(line)} to fail, got ${JSON.stringify(parsed.command)}`);
  return parsed.error;
}

const START_USAGE = "/locate <good>..<bad> [options]";

describe("valid commands", () => {
  const cases: Array<[string, Command]> = [
    ["/locate v1.2.0..v1.5.0", { kind: "start", good: "v1.2.0", bad: "v1.5.0", options: { inputs: {} } }],
    ["/locate create-vite@5.0.0..create-vite@5.1.0", { kind: "start", good: "create-vite@5.0.0", bad: "create-vite@5.1.0", options: { inputs: {} } }],
    ["/locate release/2024-01..release/2024-06", { kind: "start", good: "release/2024-01", bad: "release/2024-06", options: { inputs: {} } }],
    ["/locate 1a2b3c4..0123456789abcdef0123456789abcdef01234567", { kind: "start", good: "1a2b3c4", bad: "0123456789abcdef0123456789abcdef01234567", options: { inputs: {} } }],
    ["/locate `v1`..`v2`", { kind: "start", good: "v1", bad: "v2", options: { inputs: {} } }],
    ["/locate `v1..v2`", { kind: "start", good: "v1", bad: "v2", options: { inputs: {} } }],
    [
      '/locate v1..v2 workflow=repro.yml parallel=5 filter=v1.* auto input.os=ubuntu input.msg="hello world"',
      {
        kind: "start",
        good: "v1",
        bad: "v2",
        options: { workflow: "repro.yml", parallel: 5, filter: "v1.*", auto: true, inputs: { os: "ubuntu", msg: "hello world" } },
      },
    ],
    ["/locate v1..v2 workflow=12345678901", { kind: "start", good: "v1", bad: "v2", options: { workflow: "12345678901", inputs: {} } }],
    ["/locate v1..v2 workflow=ci.test-2.yaml", { kind: "start", good: "v1", bad: "v2", options: { workflow: "ci.test-2.yaml", inputs: {} } }],
    ["/locate v1..v2 parallel=1", { kind: "start", good: "v1", bad: "v2", options: { parallel: 1, inputs: {} } }],
    ["/locate v1..v2 parallel=10", { kind: "start", good: "v1", bad: "v2", options: { parallel: 10, inputs: {} } }],
    ["/locate v1..v2 auto=false", { kind: "start", good: "v1", bad: "v2", options: { auto: false, inputs: {} } }],
    ["/locate v1..v2 auto=TRUE", { kind: "start", good: "v1", bad: "v2", options: { auto: true, inputs: {} } }],
    ["/locate v1..v2 filter=create-vite@*", { kind: "start", good: "v1", bad: "v2", options: { filter: "create-vite@*", inputs: {} } }],
    [
      "/locate v1..v2 confidence=0.999 flake-rate=0.1 parallel=2 auto",
      { kind: "start", good: "v1", bad: "v2", options: { confidence: 0.999, flakeRate: 0.1, parallel: 2, auto: true, inputs: {} } },
    ],
    ["/locate v1..v2 input.empty=", { kind: "start", good: "v1", bad: "v2", options: { inputs: { empty: "" } } }],
    ['/locate v1..v2 input.q="say \\"hi\\" \\\\ bye"', { kind: "start", good: "v1", bad: "v2", options: { inputs: { q: 'say "hi" \\ bye' } } }],
    ["/locate v1..v2 input.msg=“curly quotes”", { kind: "start", good: "v1", bad: "v2", options: { inputs: { msg: "curly quotes" } } }],
    ["/locate v1..v2 input.msg=”same both sides”", { kind: "start", good: "v1", bad: "v2", options: { inputs: { msg: "same both sides" } } }],
    ['/locate v1..v2 input.msg="mixed”', { kind: "start", good: "v1", bad: "v2", options: { inputs: { msg: "mixed" } } }],
    ["/locate v1..v2 input.expr=a=b", { kind: "start", good: "v1", bad: "v2", options: { inputs: { expr: "a=b" } } }],
    ["/locate v1..v2 input._x-1=y", { kind: "start", good: "v1", bad: "v2", options: { inputs: { "_x-1": "y" } } }],
    ["/locate status", { kind: "status" }],
    ["/locate good v1.3.0", { kind: "verdict", verdict: "good", tag: "v1.3.0", note: null }],
    ["/locate bad v1.4.0   crashes on start-up  ", { kind: "verdict", verdict: "bad", tag: "v1.4.0", note: "crashes on start-up" }],
    ["/locate skip v1.3.5 does not build: `make` fails", { kind: "verdict", verdict: "skip", tag: "v1.3.5", note: "does not build: `make` fails" }],
    ['/locate good v1 "quoted" stays as typed', { kind: "verdict", verdict: "good", tag: "v1", note: '"quoted" stays as typed' }],
    ["/locate bad `v1.4.0` see log", { kind: "verdict", verdict: "bad", tag: "v1.4.0", note: "see log" }],
    ["/locate good 1a2b3c4", { kind: "verdict", verdict: "good", tag: "1a2b3c4", note: null }],
    ["/locate retry v1.3.2", { kind: "retry", tag: "v1.3.2" }],
    ["/locate auto", { kind: "auto" }],
    ["/locate manual", { kind: "manual" }],
    ["/locate pause", { kind: "pause" }],
    ["/locate resume", { kind: "resume" }],
    ["/locate cancel", { kind: "cancel" }],
    ["/locate commits", { kind: "commits" }],
    ["/locate help", { kind: "help" }],
    ["/locate help start", { kind: "help" }],
    ["   /locate\tstatus\t ", { kind: "status" }],
    ["/locate\u00a0status", { kind: "status" }],
  ];
  it.each(cases)("%s", (line, expected) => {
    expect(commandOf(line)).toEqual(expected);
  });

  it("keeps a note of exactly 500 characters", () => {
    const note = "n".repeat(500);
    expect(commandOf(`/locate good v1 ${note}`)).toEqual({ kind: "verdict", verdict: "good", tag: "v1", note });
  });

  it("accepts 22 user inputs, the most GitHub leaves next to Locate's 3", () => {
    const inputs = Array.from({ length: 22 }, (_, index) => `input.i${index}=v`).join(" ");
    const command = commandOf(`/locate v1..v2 ${inputs}`);
    expect(command.kind === "start" && Object.keys(command.options.inputs)).toHaveLength(22);
  });

  it("keeps inputs in the order given", () => {
    const command = commandOf("/locate v1..v2 input.zeta=1 input.alpha=2 input.mid=3");
    expect(command.kind === "start" && Object.keys(command.options.inputs)).toEqual(["zeta", "alpha", "mid"]);
  });

  it("replaces characters a database cannot store in notes", () => {
    expect(commandOf("/locate bad v1 nul\u0000 and \ud800 here")).toEqual({
      kind: "verdict",
      verdict: "bad",
      tag: "v1",
      note: "nul\ufffd and \ufffd here",
    });
  });

  it("keeps emoji in notes intact", () => {
    expect(commandOf("/locate bad v1 broken 😀")).toEqual({ kind: "verdict", verdict: "bad", tag: "v1", note: "broken 😀" });
  });

  it("ignores an HTML comment on the command line", () => {
    expect(commandOf("/locate good v1 works <!-- hidden -->")).toEqual({ kind: "verdict", verdict: "good", tag: "v1", note: "works" });
    expect(commandOf("/locate status <!-- locate:hunt:7 -->")).toEqual({ kind: "status" });
  });
});

describe("confidence= and flake-rate=", () => {
  // The written value, and the number it must become: decimals and percentages, bounds included.
  it.each<[string, number]>([
    ["0.9", 0.9],
    ["0.9999", 0.9999],
    ["0.99", 0.99],
    [".95", 0.95],
    ["0.90", 0.9],
    ["90%", 0.9],
    ["99%", 0.99],
    ["99.9%", 0.999],
    ["99.99%", 0.9999],
  ])("confidence=%s is %s", (written, value) => {
    expect(commandOf(`/locate v1..v2 confidence=${written}`)).toEqual({ kind: "start", good: "v1", bad: "v2", options: { confidence: value, inputs: {} } });
  });

  it.each<[string, number]>([
    ["0", 0],
    ["0.3", 0.3],
    ["0.05", 0.05],
    [".1", 0.1],
    ["0%", 0],
    ["10%", 0.1],
    ["2.5%", 0.025],
    ["30%", 0.3],
  ])("flake-rate=%s is %s", (written, value) => {
    expect(commandOf(`/locate v1..v2 flake-rate=${written}`)).toEqual({ kind: "start", good: "v1", bad: "v2", options: { flakeRate: value, inputs: {} } });
  });

  const confidenceRange = "a number from 0.9 to 0.9999, or a percentage from 90% to 99.99%";
  const flakeRange = "a number from 0 to 0.3, or a percentage from 0% to 30%";
  // Each case: the option as typed, then fragments the message must contain, then fragments it must not.
  it.each<[string, string[], string[]]>([
    ["confidence=0.8999", ["`confidence=0.8999` is not allowed", confidenceRange, "`confidence=<0.9..0.9999>`"], ["Did you mean"]],
    ["confidence=1", ["`confidence=1` is not allowed", confidenceRange], ["Did you mean"]],
    ["confidence=0.99999", ["is not allowed", confidenceRange], []],
    ["confidence=89%", ["`confidence=89%` is not allowed", confidenceRange], []],
    ["confidence=100%", ["is not allowed"], []],
    ["confidence=99", ["`confidence=99` is not allowed", "Did you mean `confidence=99%`?"], []],
    ["confidence=99.9", ["Did you mean `confidence=99.9%`?"], []],
    ["confidence=high", ["`confidence=high` is not allowed", confidenceRange, "`confidence=<0.9..0.9999>`"], []],
    ["confidence=0,99", ["is not allowed"], []],
    ["confidence=9e-1", ["is not allowed"], []],
    ["confidence=-0.99", ["is not allowed"], []],
    ["confidence=99%%", ["is not allowed"], []],
    ["confidence=%", ["is not allowed"], []],
    ["confidence=NaN", ["is not allowed"], []],
    ["confidence=Infinity", ["is not allowed"], []],
    ["confidence", ["`confidence` needs a value", "`confidence=<0.9..0.9999>`"], []],
    ["confidence=", ["`confidence` needs a value"], []],
    ["flake-rate=0.31", ["`flake-rate=0.31` is not allowed", flakeRange, "`flake-rate=<0..0.3>`"], ["Did you mean"]],
    ["flake-rate=0.5", ["is not allowed", flakeRange], ["Did you mean"]],
    ["flake-rate=31%", ["`flake-rate=31%` is not allowed", flakeRange], []],
    ["flake-rate=-0.1", ["is not allowed", flakeRange], []],
    ["flake-rate=10", ["`flake-rate=10` is not allowed", "Did you mean `flake-rate=10%`?"], []],
    ["flake-rate=1", ["Did you mean `flake-rate=1%`?"], []],
    ["flake-rate=50", ["is not allowed"], ["Did you mean"]],
    ["flake-rate=some", ["is not allowed", "`flake-rate=<0..0.3>`"], []],
    ["flake-rate", ["`flake-rate` needs a value", "`flake-rate=<0..0.3>`"], []],
    ["confidence=0.99 confidence=0.95", ["`confidence` is given twice"], []],
    ["flake-rate=1% flake-rate=2%", ["`flake-rate` is given twice"], []],
    ["flake=0.1", ["Unknown option `flake=0.1`", "Did you mean `flake-rate`?"], []],
    ["confidance=0.99", ["Did you mean `confidence`?"], []],
    ["--confidence=0.99", ["without dashes", "`confidence=0.99`"], []],
  ])("%s", (option, fragments, absent) => {
    const error = errorOf(`/locate v1..v2 ${option}`);
    for (const fragment of fragments) expect(error).toContain(fragment);
    for (const fragment of absent) expect(error).not.toContain(fragment);
  });
});

describe("retired start options (issue 12)", () => {
  const usage = ["Usage: `/locate <good>..<bad> [options]`", "`confidence=<0.9..0.9999>`", "`flake-rate=<0..0.3>`"];
  // Each case: the option as typed, the name the reply gives, and fragments naming what replaced it.
  it.each<[string, string, string[]]>([
    ["repeat=3", "repeat", ["re-runs a version by itself when its runs disagree", "`flake-rate`", "`confidence`"]],
    ["repeat", "repeat", ["re-runs a version by itself"]],
    ["--repeat=2", "repeat", ["re-runs a version by itself"]],
    ["verify=false", "verify", ["ends are now weighed with the other runs", "tested only when the evidence points at them", "Remove it."]],
    ["verify=true", "verify", ["ends are now weighed"]],
    ["verify", "verify", ["ends are now weighed"]],
    ["confirm", "confirm", ["`confidence` replaces it", "named once it is that probable"]],
    ["confirm=false", "confirm", ["`confidence` replaces it"]],
    ["confirm=true", "confirm", ["`confidence` replaces it"]],
  ])("%s", (option, name, fragments) => {
    const error = errorOf(`/locate v1..v2 parallel=2 ${option}`);
    expect(error).toContain(`The option \`${name}\` is no longer used: `);
    expect(error).not.toContain("Unknown option");
    for (const fragment of [...fragments, ...usage]) expect(error).toContain(fragment);
  });

  it("is not taken for a bad tag written after a spaced range", () => {
    expect(errorOf("/locate v1.. confirm")).toContain("no bad tag");
  });

  it("leaves a tag that happens to be called like one alone", () => {
    expect(commandOf("/locate confirm..repeat")).toEqual({ kind: "start", good: "confirm", bad: "repeat", options: { inputs: {} } });
  });
});

describe("errors", () => {
  // Each case: the line, then fragments the message must contain.
  const cases: Array<[string, string[]]> = [
    ["/locate", ["needs a command", START_USAGE, "`status`", "`help`"]],
    ["/locate stauts", ["Unknown command `stauts`", "Did you mean `/locate status`?", "`/locate help`"]],
    ["/locate comit", ["Did you mean `/locate commits`?"]],
    ["/locate canc", ["Did you mean `/locate cancel`?"]],
    ["/locate Status", ["Did you mean `/locate status`?"]],
    ["/locate frobnicate", ["Unknown command `frobnicate`", "`/locate help`", START_USAGE]],
    ["/locate start v1..v2 auto", ["Unknown command `start`", "`/locate v1..v2 auto`"]],
    ["/locate v1.0 v2.0", ["Unknown command `v1.0`", "`/locate v1.0..v2.0`"]],
    ["/locate v1.2", ["`/locate v1.2..<bad>`"]],
    ["/locate v1 .. v2", ["without spaces", "`/locate v1..v2`"]],
    ["/locate v1 ..v2", ["without spaces", "`/locate v1..v2`"]],
    ["/locate v1.. v2", ["without spaces", "`/locate v1..v2`"]],
    ["/locate v1...v2", ["three dots", "`/locate v1..v2`"]],
    ["/locate ..v2", ["no good tag", START_USAGE]],
    ["/locate v1..", ["no bad tag", START_USAGE]],
    ["/locate v1.. auto", ["no bad tag"]],
    ["/locate v1..v2..v3", ["more than one `..`"]],
    ["/locate v1..v1", ["both `v1`", "two different"]],
    ["/locate v1~1..v2", ["`v1~1` is not a valid tag name", "`~`", START_USAGE]],
    ["/locate v1..v2^", ["`v2^` is not a valid tag name", "`^`"]],
    ["/locate a:b..v2", ["`:`"]],
    ["/locate a?..v2", ["`?`"]],
    ["/locate a*..v2", ["`*`"]],
    ["/locate a[1..v2", ["`[`"]],
    ["/locate a\\b..v2", ["`\\`"]],
    ["/locate v1@{1}..v2", ["`@{`"]],
    ["/locate @..v2", ["`@` alone"]],
    ["/locate .hidden..v2", ["starts with `.`"]],
    ["/locate v1..x/.hidden", ["starts with `.`"]],
    ["/locate v1.lock..v2", ["ends with `.lock`"]],
    ["/locate a/b.lock/c..v2", ["ends with `.lock`"]],
    ["/locate v1/..v2", ["`/`"]],
    ["/locate /v1..v2", ["`/`"]],
    ["/locate a//b..v2", ["`/`"]],
    ["/locate v1.2...v2", ["three dots"]],
    ["/locate v1\u0007..v2", ["control character"]],
    [`/locate v1..${"x".repeat(256)}`, ["longer than 255"]],
    ["/locate v1..v2 paralel=3", ["Unknown option `paralel=3`", "Did you mean `parallel`?", START_USAGE, "`parallel=<1..10>`"]],
    ["/locate v1..v2 colour=red", ["Unknown option `colour=red`", START_USAGE]],
    ["/locate v1..v2 --parallel=3", ["without dashes", "`parallel=3`"]],
    ["/locate v1..v2 inputs.os=linux", ["Did you mean `input.os`?"]],
    ["/locate v1..v2 input=linux", ["`input.<name>=<value>`"]],
    ["/locate v1..v2 Parallel=3", ["Did you mean `parallel`?"]],
    ["/locate v1..v2 parallel=3 parallel=4", ["`parallel` is given twice"]],
    ["/locate v1..v2 auto auto=false", ["`auto` is given twice"]],
    ["/locate v1..v2 input.os=a input.OS=b", ["`input.OS` is given twice"]],
    ["/locate v1..v2 parallel=0", ["`parallel=0`", "1 to 10"]],
    ["/locate v1..v2 parallel=11", ["`parallel=11`", "1 to 10"]],
    ["/locate v1..v2 parallel=x", ["`parallel=x`", "1 to 10"]],
    ["/locate v1..v2 parallel=2.5", ["`parallel=2.5`"]],
    ["/locate v1..v2 parallel=-1", ["`parallel=-1`"]],
    ["/locate v1..v2 parallel", ["`parallel` needs a value"]],
    ["/locate v1..v2 parallel= 3", ["`parallel` needs a value", "no spaces"]],
    ["/locate v1..v2 = 3", ["no option name"]],
    ["/locate v1..v2 auto=yes", ["`true` or `false`"]],
    ["/locate v1..v2 workflow=", ["`workflow` needs a value"]],
    ["/locate v1..v2 workflow=locate", ["`locate` is not a workflow", "`locate.yml`"]],
    ["/locate v1..v2 workflow=locate.json", ["is not a workflow"]],
    ["/locate v1..v2 workflow=../x.yml", ["file name only", "`workflow=x.yml`"]],
    ["/locate v1..v2 workflow=.github/workflows/ci.yml", ["file name only", "`workflow=ci.yml`"]],
    ["/locate v1..v2 workflow=0", ["is not a workflow"]],
    ["/locate v1..v2 filter=v[", ["The filter `v[` is not a valid glob", "`filter=<glob>`"]],
    ["/locate v1..v2 filter=v{1,2", ["not a valid glob"]],
    ["/locate v1..v2 filter=a\\", ["not a valid glob"]],
    [`/locate v1..v2 filter=${"v".repeat(201)}`, ["longer than 200"]],
    ["/locate v1..v2 input.1abc=x", ["`1abc` is not a valid workflow input name"]],
    ["/locate v1..v2 input.a.b=x", ["`a.b` is not a valid workflow input name"]],
    ["/locate v1..v2 input.é=x", ["not a valid workflow input name"]],
    ["/locate v1..v2 input.=x", ["no input name"]],
    [`/locate v1..v2 input.${"a".repeat(101)}=x`, ["longer than 100"]],
    ["/locate v1..v2 input.ref=main", ["`ref` is reserved"]],
    ["/locate v1..v2 input.tag=v9", ["`tag` is reserved"]],
    ["/locate v1..v2 input.locate_id=x", ["`locate_id` is reserved"]],
    ["/locate v1..v2 input.REF=main", ["`REF` is reserved"]],
    ["/locate v1..v2 input.__proto__=x", ["`__proto__` cannot be used"]],
    ['/locate v1..v2 input.msg="hello', ["quote is not closed", START_USAGE]],
    ["/locate v1..v2 input.x=a\u0000b", ["`x` contains a control character"]],
    ["/locate v1..v2 input.x=\ud800", ["`x` contains a control character or broken text"]],
    ["/locate v1..v2 filter=v\u0001*", ["filter contains a control character"]],
    ["/locate good v\udc001", ["not a valid tag name", "not valid text"]],
    ["/locate good", ["`/locate good` needs a tag", "/locate good <tag> [note]"]],
    ["/locate bad", ["`/locate bad` needs a tag", "/locate bad <tag> [note]"]],
    ["/locate skip   ", ["`/locate skip` needs a tag", "/locate skip <tag> [note]"]],
    ["/locate retry", ["`/locate retry` needs a tag", "/locate retry <tag>"]],
    ["/locate good v1..v2", ["not a valid tag name", "`..`", "/locate good <tag> [note]"]],
    ["/locate bad v1~", ["not a valid tag name"]],
    [`/locate good v1 ${"n".repeat(501)}`, ["note is too long", "501", "500"]],
    ["/locate retry v1 v2", ["takes one tag", "/locate retry <tag>"]],
    ["/locate status please", ["`/locate status` takes no arguments", "`please`"]],
    ["/locate cancel wrong range", ["`/locate cancel` takes no arguments"]],
    ["/locate auto parallel=5", ["takes no arguments", "only be given when starting a hunt"]],
    ["/locate auto v1..v2", ["put the range first", "`/locate v1..v2 auto`"]],
    ["/locatex status", ["Commands start with `/locate`"]],
  ];
  it.each(cases)("%s", (line, fragments) => {
    const error = errorOf(line);
    for (const fragment of fragments) expect(error).toContain(fragment);
  });

  it("rejects 23 user inputs, naming GitHub's limit and the reserved inputs", () => {
    const inputs = Array.from({ length: 23 }, (_, index) => `input.i${index}=v`).join(" ");
    const error = errorOf(`/locate v1..v2 ${inputs}`);
    expect(error).toContain("Too many workflow inputs: 23");
    expect(error).toContain("at most 22");
  });

  it("rejects inputs whose JSON would exceed GitHub's 65,535 characters", () => {
    const error = errorOf(`/locate v1..v2 input.big=${"a".repeat(65_300)}`);
    expect(error).toContain("too long");
    expect(error).toContain("65535");
  });

  it("accepts inputs just under the JSON limit", () => {
    expect(commandOf(`/locate v1..v2 input.big=${"a".repeat(65_000)}`).kind).toBe("start");
  });

  it("counts JSON escaping towards the input limit", () => {
    // 33,000 quotes become 66,000 characters once escaped.
    expect(errorOf(`/locate v1..v2 input.q="${'\\"'.repeat(33_000)}"`)).toContain("too long");
  });

  it("echoes user text safely inside a code span, however many backticks it holds", () => {
    const error = errorOf("/locate ``weird` stuff");
    expect(error).toContain("Unknown command ``` ``weird` ```");
  });

  it("shortens long user text in messages", () => {
    const error = errorOf(`/locate ${"z".repeat(5_000)}`);
    expect(error.length).toBeLessThan(600);
    expect(error).toContain("…");
  });

  it("replaces control and direction-override characters in echoed text", () => {
    const error = errorOf("/locate sta\u202etus\u0000");
    expect(error).not.toMatch(/[\u0000\u202e]/);
  });
});

describe("tag name rules", () => {
  it.each(["v1.2.3", "create-vite@5.0.0", "a/b/c", "-dash", "v1.2.3-rc.1+build.5", "日本語", "x.lockx", "@x", "a@b"])(
    "accepts %s",
    (name) => {
      expect(tagNameProblem(name)).toBeNull();
    },
  );
  it.each(["", "a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b", "a..b", "a@{b", "@", "/a", "a/", "a//b", ".a", "a/.b", "a.lock", "a/b.lock/c", "a.", "a\u007fb"])(
    "rejects %j",
    (name) => {
      expect(tagNameProblem(name)).toEqual(expect.any(String));
    },
  );
});

describe("workflowInputsProblem", () => {
  it("is null for inputs within GitHub's limits", () => {
    expect(workflowInputsProblem({ os: "linux" })).toBeNull();
  });
  it("counts configured and command inputs together", () => {
    const inputs = Object.fromEntries(Array.from({ length: 23 }, (_, index) => [`i${index}`, "v"]));
    expect(workflowInputsProblem(inputs)).toContain("Too many workflow inputs");
  });
});

describe("registry", () => {
  it("has one entry for every command kind and every keyword parses to its kind", () => {
    const kinds: CommandKind[] = ["start", "status", "verdict", "retry", "auto", "manual", "pause", "resume", "cancel", "commits", "help"];
    expect(new Set(COMMANDS.map((spec) => spec.kind))).toEqual(new Set(kinds));
    expect(new Set(COMMANDS.map((spec) => spec.name)).size).toBe(COMMANDS.length);
    for (const spec of COMMANDS) {
      for (const example of spec.examples) {
        const parsed = parseCommandLine(example);
        expect(parsed.ok && parsed.command.kind, example).toBe(spec.kind);
      }
    }
  });

  it("requires write access for every acting command and nothing for status and help", () => {
    const expected: Record<CommandKind, "write" | "anyone"> = {
      start: "write",
      status: "anyone",
      verdict: "write",
      retry: "write",
      auto: "write",
      manual: "write",
      pause: "write",
      resume: "write",
      cancel: "write",
      commits: "write",
      help: "anyone",
    };
    for (const [kind, permission] of Object.entries(expected)) {
      expect(requiredPermission(kind as CommandKind), kind).toBe(permission);
    }
  });

  it("takes error usages from the registry", () => {
    const good = COMMANDS.find((spec) => spec.name === "good");
    expect(errorOf("/locate good")).toContain(good?.usage ?? "missing");
  });
});

describe("renderHelp", () => {
  const help = renderHelp();
  it("lists every command's usage, summary and permission", () => {
    for (const spec of COMMANDS) {
      expect(help).toContain(`\`${spec.usage}\``);
      expect(help).toContain(spec.summary);
    }
    expect(help).toContain("write access");
    expect(help).toContain("anyone");
  });
  it("lists every start option", () => {
    for (const option of START_OPTIONS) {
      expect(help).toContain(`\`${option.usage}\``);
      expect(help).toContain(option.description);
    }
  });
  it("offers confidence and flake-rate, parallel as a cap, repro (issue 14), and none of the retired options", () => {
    expect(START_OPTIONS.map((option) => option.name)).toEqual(["workflow", "parallel", "filter", "auto", "confidence", "flake-rate", "repro", "input.<name>"]);
    expect(help).toContain("| `confidence=<0.9..0.9999>` | Stop when one version holds at least this probability of being the first bad one");
    expect(help).toContain("| `flake-rate=<0..0.3>` | How often you expect a run to give the wrong verdict, either way");
    expect(help).toContain("| `parallel=<1..10>` | At most this many runs of the hunt in flight at once");
    expect(help).not.toMatch(/`(repeat|verify|confirm)[=`]/);
    expect(help).toContain("flake-rate=10% confidence=99.9%");
  });
  it("is a markdown table with one row per command", () => {
    const rows = help.split("\n").filter((line) => line.startsWith("| `/locate"));
    expect(rows).toHaveLength(COMMANDS.length);
  });
  it("shows examples that all parse", () => {
    const examples = /```\n([\s\S]*?)\n```/.exec(help)?.[1]?.split("\n") ?? [];
    expect(examples.length).toBeGreaterThan(5);
    const parsed: ParsedLine[] = examples.flatMap((example) => parseCommands(example));
    expect(parsed.every((line) => line.ok)).toBe(true);
  });
});
