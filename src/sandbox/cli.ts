// CLI: starts the sandbox, prints the env a person exports to run the app against it, logs traffic, and takes simple typed commands.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { startSandbox } from "./index.js";
import type { Role, Sandbox } from "./index.js";

const USAGE = `usage: tsx src/sandbox/cli.ts [--history file.json.gz | --tags N] [--port P] [--webhook-url URL]
                              [--first-bad TAG] [--seed N] [--config .github/locate.yml file] [--legacy] [--quiet]`;

const HELP = `commands (type at the prompt):
  issue <user> <title...>               open an issue (delivers issues.opened)
  comment <issue> <user> <body...>      comment on an issue; "\\n" in the body becomes a newline
  tick <commentId> <user> <tag|auto>    tick a candidate (or auto-pilot) in a comment
  untick <commentId> <user> <tag|auto>
  show <issue>                          print the issue's comments
  role <user> <admin|maintain|write|triage|read|none>
  runs                                  list workflow runs
  help | quit`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      history: { type: "string" },
      tags: { type: "string" },
      port: { type: "string" },
      "webhook-url": { type: "string" },
      "first-bad": { type: "string" },
      seed: { type: "string" },
      config: { type: "string" },
      legacy: { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(`${USAGE}\n\n${HELP}`);
    return;
  }
  const quiet = values.quiet ?? false;
  const webhookUrl = values["webhook-url"] ?? "http://127.0.0.1:3000/api/github/webhooks";
  const sb = await startSandbox({
    history: values.history ?? { tags: values.tags ? Number(values.tags) : 12 },
    ...(values["first-bad"] ? { firstBad: values["first-bad"] } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values.config ? { config: readFileSync(values.config, "utf8") } : {}),
    dispatchMode: values.legacy ? "legacy" : "details",
    runDuration: { minMs: 2_000, maxMs: 6_000 },
    webhookUrl,
    onRequest: (r) => quiet || console.log(`  api  ${r.route} → ${r.status}`),
    onDelivery: (d) => quiet || console.log(`  hook ${d.event}.${d.action ?? ""} → ${d.status ?? d.outcome}${d.error ? ` (${d.error})` : ""}`),
  });

  console.log(`Locate sandbox on ${sb.url} — ${sb.repo.owner}/${sb.repo.name}, ${sb.tags.length} tags, hidden first bad: ${sb.firstBad.tag ?? sb.firstBad.sha}`);
  console.log(`Webhooks go to ${webhookUrl} (change with --webhook-url).`);
  console.log(`\n# Set these in the app's environment (shell or .env):`);
  for (const [key, value] of Object.entries(sb.env)) {
    // Probot turns literal \\n back into newlines, so the key fits on one line.
    console.log(`export ${key}="${value.replace(/\n/g, "\\n")}"`);
  }
  console.log(`\nThe installation id is ${sb.installationId}; the bot is ${sb.botLogin}. Type "help" for commands, Ctrl-C to stop.\n`);

  const shutdown = async () => {
    await sb.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());

  // Lines run one after another, so piped scripts behave like typed ones.
  let queue = Promise.resolve();
  createInterface({ input: process.stdin }).on("line", (line) => {
    queue = queue.then(() => run(sb, line.trim()).catch((err: unknown) => console.error(`error: ${err instanceof Error ? err.message : String(err)}`)));
  });
}

async function run(sb: Sandbox, line: string): Promise<void> {
  const [cmd, ...args] = line.split(/\s+/);
  switch (cmd) {
    case "":
    case undefined:
      return;
    case "issue": {
      const [user, ...title] = args;
      const n = await sb.openIssue({ user: need(user, "user"), title: title.join(" ") || "Regression" });
      console.log(`opened issue #${n}`);
      return;
    }
    case "comment": {
      const [issue, user, ...body] = args;
      const id = await sb.postComment({ issue: Number(need(issue, "issue")), user: need(user, "user"), body: body.join(" ").replace(/\\n/g, "\n"), force: true });
      console.log(`comment ${id}`);
      return;
    }
    case "tick":
    case "untick": {
      const [id, user, what] = args;
      const target = need(what, "tag or auto");
      const changed = await sb.tick({
        commentId: Number(need(id, "commentId")),
        user: need(user, "user"),
        ...(target === "auto" ? { marker: "locate:auto" } : { tag: target }),
        checked: cmd === "tick",
        force: true,
      });
      console.log(changed ? "done" : "already in that state");
      return;
    }
    case "show":
      for (const c of sb.listComments(Number(need(args[0], "issue")))) console.log(`--- ${c.id} by ${c.user}\n${c.body}\n`);
      return;
    case "role":
      sb.setRole(need(args[0], "user"), need(args[1], "role") as Role);
      return;
    case "runs":
      for (const r of sb.runs) console.log(`${r.id} ${r.inputs.tag ?? ""} ${r.status} ${r.conclusion ?? ""} (truth: ${r.verdictTruth ?? "?"})`);
      return;
    case "help":
      console.log(HELP);
      return;
    case "quit":
    case "exit":
      await sb.close();
      process.exit(0);
    default:
      console.log(`unknown command ${cmd}; type "help"`);
  }
}

function need(value: string | undefined, name: string): string {
  if (!value) throw new Error(`missing <${name}>`);
  return value;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(USAGE);
  process.exit(1);
});
