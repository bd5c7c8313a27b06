// A child process of the benchmark driven by request/reply messages over IPC: servers under test and the PGlite store probe.
import { type ChildProcess, fork } from "node:child_process";

/** Every request gets exactly one reply; an error reply carries the child's message. */
export type Reply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export class Child<Request extends { kind: string }> {
  private constructor(private readonly process: ChildProcess) {}

  /** The parent runs under tsx, whose loader flags are in execArgv: the child inherits them and can run .ts too. */
  static fork<Request extends { kind: string }>(
    script: URL,
    options: { exposeGc?: boolean; nodeFlags?: readonly string[]; /** A compiled .js script: plain node, without tsx. */ compiled?: boolean } = {},
  ): Child<Request> {
    const child = fork(script, [], {
      execArgv: [...(options.compiled ? [] : process.execArgv), ...(options.exposeGc ? ["--expose-gc"] : []), ...(options.nodeFlags ?? [])],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Child<Request>(child);
  }

  ask<T>(request: Request): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: Reply<T>) => {
        cleanup();
        if (reply.ok) resolve(reply.value);
        else reject(new Error(`child process, ${request.kind}: ${reply.error}`));
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`child process exited (code ${code}) before answering ${request.kind}`));
      };
      const cleanup = () => {
        this.process.off("message", onMessage);
        this.process.off("exit", onExit);
      };
      this.process.on("message", onMessage);
      this.process.once("exit", onExit);
      this.process.send(request);
    });
  }

  /** Asks the child to stop (its `stop` request), then waits for it to exit; kills it if it hangs. */
  async stop(request: Request): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once("exit", () => resolve()));
    await this.ask(request).catch(() => undefined);
    this.process.disconnect();
    const timer = setTimeout(() => this.process.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The child side: answers each request with its handler's result or error. */
export function serve<Request extends { kind: string }>(handle: (request: Request) => Promise<unknown>, onDisconnect: () => Promise<void>): void {
  process.on("message", (request: Request) => {
    handle(request).then(
      (value) => process.send?.({ ok: true, value } satisfies Reply<unknown>),
      (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply<unknown>),
    );
  });
  // The parent going away (done, Ctrl-C, a crash) takes the child with it.
  process.on("disconnect", () => {
    void onDisconnect().finally(() => process.exit(0));
  });
}
