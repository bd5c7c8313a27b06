// Server settings from the environment (§6), validated at start-up with a message naming each bad variable.
import { z } from "zod";

const Env = z.object({
  APP_ID: z.string().regex(/^\d+$/, "must be the numeric GitHub App id").optional(),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  GHE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(?::\d+)?$/, "must be a host name with an optional port, without a scheme or path")
    .optional(),
  GHE_PROTOCOL: z.enum(["http", "https"]).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().optional(),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).optional(),
  WEBHOOK_PATH: z.string().startsWith("/").optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(?:ql)?:\/\//, "must be a postgres:// connection string")
    .optional(),
  /** Where embedded PGlite keeps its files when DATABASE_URL is unset. */
  LOCATE_DATA_DIR: z.string().min(1).optional(),
  /** Minimum milliseconds between two GitHub writes of one installation, across replicas (GitHub asks for 1000). */
  LOCATE_WRITE_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).optional(),
  /** Seconds a hunt comment's progress edit (a verdict mid-round) may wait to be combined with the next one. */
  LOCATE_PROGRESS_EDIT_SECONDS: z.coerce.number().min(0).max(3_600).optional(),
  /** Seconds between reconciler passes over runs in flight. */
  LOCATE_RECONCILE_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  /** Seconds a dispatch may stay unconfirmed before the reconciler treats it as interrupted by a crash. */
  LOCATE_DISPATCH_GRACE_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  /** Which API resolves a range's versions: `auto` (the cheaper; default), or always `graphql` or `rest`. */
  LOCATE_VERSIONS_SOURCE: z.enum(["auto", "graphql", "rest"], { error: "must be auto, graphql or rest" }).optional(),
});

export type Env = z.infer<typeof Env>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings are how people unset variables in .env files.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = Env.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new Error(`Invalid environment:\n${lines.join("\n")}`);
}
