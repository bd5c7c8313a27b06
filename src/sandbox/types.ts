// Public types of the sandbox: its options and the logs tests read (requests, deliveries, runs).

export type Role = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface WorkflowInputSpec {
  name: string;
  required?: boolean;
}

export interface SandboxOptions {
  /** A fixture path (.json.gz), or a synthetic history with this many tags (v0.1.0 …). Default: { tags: 12 }. */
  history?: string | { tags: number };
  /** Hidden first bad tag name (or a commit SHA). Default: a seeded random tag on the default branch, never the oldest. */
  firstBad?: string;
  seed?: number;
  /** How long a simulated run takes from dispatch to completion. Default 30–120 ms. */
  runDuration?: { minMs: number; maxMs: number };
  /** Versions (tag names or commit SHAs) whose dependencies no longer install: their runs fail at "Install dependencies". */
  doesNotBuild?: string[];
  /** Chance that a run's conclusion is flipped (good ↔ bad). */
  flakeRate?: number;
  /** Chance that a run ends cancelled / timed_out / startup_failure instead of with a verdict. */
  inconclusiveRate?: number;
  /** "details": dispatch answers 200 with the run id (api.github.com). "legacy": older GHES, `return_run_details` is rejected with 422. */
  dispatchMode?: "details" | "legacy";
  /** Role per login; anyone else has `defaultRole` (read). */
  permissions?: Record<string, Role>;
  defaultRole?: Role;
  /** Contents of .github/locate.yml on the default branch; undefined = no file (404). */
  config?: string;
  /** Declared workflow_dispatch inputs. Plain names `ref` and `tag` are required, others optional. Default ["ref", "tag", "locate_id"]. */
  workflowInputs?: Array<string | WorkflowInputSpec>;
  /** The dispatchable workflow; `null` means the repository has none (every dispatch 404s). */
  workflow?: { file?: string; id?: number; name?: string; runName?: string | null; dispatchable?: boolean } | null;
  /** Where webhooks go (the app's /api/github/webhooks); can be set later with setWebhookTarget. */
  webhookUrl?: string;
  /** Default: unique per sandbox in the process, above 2^31. */
  installationId?: number;
  /** Port to listen on (127.0.0.1); default any free port. */
  port?: number;
  /** Delivery chaos, all off by default. */
  duplicateRate?: number;
  dropRate?: number;
  shuffleWindowMs?: number;
  /** Called after every API request and every finished delivery attempt (the CLI prints them). */
  onRequest?: (entry: RequestLogEntry) => void;
  onDelivery?: (entry: DeliveryLogEntry) => void;
  /** Serve GraphQL at /api/graphql (default true); false answers 404 there, like a server without it. */
  graphql?: boolean;
  /** Validate modelled requests against GitHub's OpenAPI description (default true). */
  validateRequests?: boolean;
}

export interface RequestLogEntry {
  method: string;
  /** The OpenAPI path template, e.g. "GET /repos/{owner}/{repo}/tags"; for unmodelled calls, the raw path. */
  route: string;
  path: string;
  query: string;
  status: number;
  /** Parsed JSON request body, if any. */
  body: unknown;
  response: unknown;
  at: number;
  ms: number;
}

export interface DeliveryLogEntry {
  /** X-GitHub-Delivery; a duplicate or redelivery reuses the original id, like GitHub. */
  id: string;
  event: string;
  action: string | undefined;
  /** Ordering key: deliveries with one source are sent in order (unless shuffled). */
  source: string;
  /** HTTP status from the target; null while pending, dropped, or when the request failed. */
  status: number | null;
  outcome: "pending" | "delivered" | "failed" | "dropped";
  ms: number;
  payload: Record<string, unknown>;
  duplicate?: boolean;
  redelivery?: boolean;
  error?: string;
}

export type RunStatus = "queued" | "in_progress" | "completed";

export interface SandboxRun {
  id: number;
  attempt: number;
  runNumber: number;
  workflowId: number;
  inputs: Record<string, string>;
  /** The ref the workflow was dispatched on (the default branch, normally). */
  dispatchRef: string;
  headSha: string;
  headBranch: string;
  displayTitle: string;
  status: RunStatus;
  conclusion: string | null;
  /** What the run would say without flakiness: "bad" when the hidden first bad commit is an ancestor-or-equal of inputs.ref; null when inputs.ref is not a commit. */
  verdictTruth: "good" | "bad" | null;
  /** Why the conclusion is what it is. */
  outcome: "truth" | "flake" | "inconclusive" | "cancelled" | "forced" | "bad-ref" | "does-not-build" | null;
  actor: string;
  dispatchedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** The run id was returned by the dispatch call ("details" mode). */
  returnedToCaller: boolean;
}

export interface SandboxEnv {
  APP_ID: string;
  PRIVATE_KEY: string;
  WEBHOOK_SECRET: string;
  GHE_HOST: string;
  GHE_PROTOCOL: "http";
}
