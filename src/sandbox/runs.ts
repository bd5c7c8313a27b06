// Simulated GitHub Actions: the dispatchable workflow, dispatch checks, and runs that go queued → in_progress → completed on timers.
import type { Graph } from "./history.js";
import { prng, seedFrom } from "./prng.js";
import type { WorkflowModel } from "./shapes/actions.js";
import type { SandboxRun, WorkflowInputSpec } from "./types.js";

export const FIRST_RUN_ID = 9_000_000_000;
/** The §4 template's run-name, which puts the correlation token into display_title. */
export const DEFAULT_RUN_NAME = "locate ${{ inputs.tag }} [${{ inputs.locate_id }}]";
const INCONCLUSIVE = ["cancelled", "timed_out", "startup_failure"] as const;

export type RunEvent = "requested" | "in_progress" | "completed";

export interface RunEngineOptions {
  graph: Graph;
  /** Marks the hidden first bad commit and all its descendants. */
  bad: Uint8Array;
  seed: number;
  runDuration: { minMs: number; maxMs: number };
  flakeRate: number;
  inconclusiveRate: number;
  /** Commit indexes whose runs fail at "Install dependencies" (issue 14). */
  doesNotBuild: ReadonlySet<number>;
  workflow: WorkflowModel | null;
  dispatchable: boolean;
  /** `run-name:` of the workflow; null = none, so display_title is the workflow name. */
  runName: string | null;
  inputs: WorkflowInputSpec[];
  onEvent: (run: SandboxRun, event: RunEvent) => void;
}

export type DispatchResult = { ok: true; run: SandboxRun } | { ok: false; status: number; message: string };

/**
 * The most of these runs that were in flight at once, from dispatch to completion: what a `parallel` cap bounds.
 * A run that ends in the millisecond another starts was not in flight with it.
 */
export function mostInFlight(runs: ReadonlyArray<Pick<SandboxRun, "dispatchedAt" | "completedAt">>): number {
  const edges = runs.flatMap((run) => [
    { at: run.dispatchedAt, delta: 1 },
    { at: run.completedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let most = 0;
  for (const edge of edges) {
    current += edge.delta;
    most = Math.max(most, current);
  }
  return most;
}

export function normalizeInputs(specs: Array<string | WorkflowInputSpec> | undefined): WorkflowInputSpec[] {
  return (specs ?? ["ref", "tag", "locate_id"]).map((s) =>
    typeof s === "string" ? { name: s, required: s === "ref" || s === "tag" } : { name: s.name, required: s.required ?? false },
  );
}

export function renderRunName(template: string | null, workflowName: string, inputs: Record<string, string>): string {
  if (template === null) return workflowName;
  return template.replace(/\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? "");
}

export class RunEngine {
  readonly runs: SandboxRun[] = [];
  private readonly byId = new Map<number, SandboxRun>();
  private readonly timers = new Map<number, NodeJS.Timeout[]>();
  private readonly dispatchesPerRef = new Map<string, number>();
  private runNumber = 0;

  constructor(private readonly o: RunEngineOptions) {}

  get workflow(): WorkflowModel | null {
    return this.o.workflow;
  }

  /** GitHub accepts the numeric id or the file name (`locate.yml`). */
  findWorkflow(idOrFile: string): WorkflowModel | undefined {
    const w = this.o.workflow;
    if (!w) return undefined;
    return idOrFile === String(w.id) || idOrFile === w.file ? w : undefined;
  }

  get(id: number): SandboxRun | undefined {
    return this.byId.get(id);
  }

  dispatch(workflowId: string, ref: string, rawInputs: Record<string, unknown> | undefined, actor: string): DispatchResult {
    const w = this.findWorkflow(workflowId);
    if (!w) return { ok: false, status: 404, message: "Not Found" };
    if (!this.o.dispatchable) return { ok: false, status: 422, message: "Workflow does not have 'workflow_dispatch' trigger" };
    const resolved = this.o.graph.resolve(ref);
    if (!resolved || resolved.kind === "sha") return { ok: false, status: 422, message: `No ref found for: ${ref}` };
    const inputs: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawInputs ?? {})) inputs[k] = typeof v === "string" ? v : JSON.stringify(v);
    const declared = new Set(this.o.inputs.map((i) => i.name));
    const unexpected = Object.keys(inputs).filter((k) => !declared.has(k));
    if (unexpected.length > 0) return { ok: false, status: 422, message: `Unexpected inputs provided: [${unexpected.map((name) => JSON.stringify(name)).join(", ")}]` }; // GitHub joins with ", "
    const missing = this.o.inputs.find((i) => i.required && !(i.name in inputs));
    if (missing) return { ok: false, status: 422, message: `Required input '${missing.name}' not provided` };

    const run: SandboxRun = {
      id: FIRST_RUN_ID + this.runs.length,
      attempt: 1,
      runNumber: ++this.runNumber,
      workflowId: w.id,
      inputs,
      dispatchRef: ref,
      headSha: resolved.sha,
      headBranch: resolved.name,
      displayTitle: renderRunName(this.o.runName, w.name, inputs),
      status: "queued",
      conclusion: null,
      verdictTruth: null,
      outcome: null,
      actor,
      dispatchedAt: Date.now(),
      startedAt: null,
      completedAt: null,
      returnedToCaller: false,
    };
    this.runs.push(run);
    this.byId.set(run.id, run);
    this.schedule(run);
    this.o.onEvent(run, "requested");
    return { ok: true, run };
  }

  /** 202 when accepted, 409 when the run already completed; the run then completes as cancelled, like GitHub. */
  cancel(id: number): 202 | 404 | 409 {
    const run = this.byId.get(id);
    if (!run) return 404;
    if (run.status === "completed") return 409;
    this.clearTimers(id);
    this.later(id, 5, () => this.complete(run, "cancelled", "cancelled"));
    return 202;
  }

  /** Test hook: ends a run now with the given conclusion (default: what the run would have concluded). */
  finish(id: number, conclusion?: string): SandboxRun {
    const run = this.byId.get(id);
    if (!run) throw new Error(`no run ${id}`);
    if (run.status === "completed") throw new Error(`run ${id} already completed (${run.conclusion})`);
    this.clearTimers(id);
    if (run.status === "queued") this.start(run);
    if (conclusion === undefined) {
      const planned = this.plan(run);
      this.complete(run, planned.conclusion, planned.outcome);
    } else this.complete(run, conclusion, "forced");
    return run;
  }

  close(): void {
    for (const id of [...this.timers.keys()]) this.clearTimers(id);
  }

  get pending(): number {
    return this.runs.filter((r) => r.status !== "completed").length;
  }

  private planned = new Map<number, { duration: number; conclusion: string; outcome: NonNullable<SandboxRun["outcome"]> }>();

  /** Outcomes come from a stream keyed by (seed, inputs.ref, nth dispatch of it), so parallel dispatch order does not change them. */
  private plan(run: SandboxRun): { duration: number; conclusion: string; outcome: NonNullable<SandboxRun["outcome"]> } {
    const known = this.planned.get(run.id);
    if (known) return known;
    const testedRef = run.inputs.ref ?? "";
    const nth = (this.dispatchesPerRef.get(testedRef) ?? 0) + 1;
    this.dispatchesPerRef.set(testedRef, nth);
    const rand = prng(seedFrom(this.o.seed, "run", testedRef, nth));
    const { minMs, maxMs } = this.o.runDuration;
    const duration = rand.int(Math.min(minMs, maxMs), Math.max(minMs, maxMs));
    const resolved = this.o.graph.resolve(testedRef);
    let plan: { duration: number; conclusion: string; outcome: NonNullable<SandboxRun["outcome"]> };
    if (!resolved) {
      // The workflow's checkout of a ref that does not exist fails the job.
      plan = { duration, conclusion: "failure", outcome: "bad-ref" };
    } else {
      run.verdictTruth = this.o.bad[resolved.index] ? "bad" : "good";
      const flake = rand.chance(this.o.flakeRate);
      const inconclusive = rand.chance(this.o.inconclusiveRate);
      const truth = run.verdictTruth === "bad" ? "failure" : "success";
      if (this.o.doesNotBuild.has(resolved.index)) plan = { duration, conclusion: "failure", outcome: "does-not-build" };
      else if (inconclusive) plan = { duration, conclusion: rand.pick(INCONCLUSIVE), outcome: "inconclusive" };
      else if (flake) plan = { duration, conclusion: truth === "failure" ? "success" : "failure", outcome: "flake" };
      else plan = { duration, conclusion: truth, outcome: "truth" };
    }
    this.planned.set(run.id, plan);
    return plan;
  }

  private schedule(run: SandboxRun): void {
    const { duration, conclusion, outcome } = this.plan(run);
    const queued = Math.min(10, Math.floor(duration / 4));
    this.later(run.id, queued, () => this.start(run));
    this.later(run.id, duration, () => this.complete(run, conclusion, outcome));
  }

  private start(run: SandboxRun): void {
    if (run.status !== "queued") return;
    run.status = "in_progress";
    run.startedAt = Date.now();
    this.o.onEvent(run, "in_progress");
  }

  private complete(run: SandboxRun, conclusion: string, outcome: NonNullable<SandboxRun["outcome"]>): void {
    if (run.status === "completed") return;
    this.clearTimers(run.id);
    run.status = "completed";
    run.conclusion = conclusion;
    run.outcome = outcome;
    run.completedAt = Date.now();
    run.startedAt ??= run.completedAt;
    this.o.onEvent(run, "completed");
  }

  private later(id: number, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      const list = this.timers.get(id);
      if (list) this.timers.set(id, list.filter((t) => t !== timer));
      fn();
    }, ms);
    this.timers.set(id, [...(this.timers.get(id) ?? []), timer]);
  }

  private clearTimers(id: number): void {
    for (const t of this.timers.get(id) ?? []) clearTimeout(t);
    this.timers.delete(id);
  }
}
