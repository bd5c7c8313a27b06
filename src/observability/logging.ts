// The process logger: pino JSON, with secrets and tokens kept out of every line (§8 "Safe").
//
// Redaction works in three layers, because no single one sees everything:
// 1. Before pino serializes a line (hooks.logMethod), the objects logged are scrubbed deeply: plain
//    objects, arrays and errors at any depth (an Octokit RequestError's `request.headers.authorization`, an env
//    object's `PRIVATE_KEY`). Values of secret-looking keys are replaced; strings anywhere, the message included,
//    lose URL query strings that carry `access_token`, URL passwords, GitHub tokens, JWTs and PEM private keys.
// 2. Errors become plain objects through pino's own error serializer first, so their message, stack and cause survive.
// 3. After the serializers, fixed paths catch what a library serializes itself (pino-http's `req.headers`) and
//    secret keys bound to child loggers (pino formats a child's bindings without hooks).
import { AsyncLocalStorage } from "node:async_hooks";
import { ServerResponse } from "node:http";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { Env } from "../config/env.js";

export const REDACTED = "[redacted]";

/** Keys whose values are secret, compared lower-case with `-` and `_` removed. */
const SECRET_KEYS = new Set([
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "privatekey",
  "password",
  "passwd",
  "secret",
  "clientsecret",
  "webhooksecret",
  "token",
  "accesstoken",
  "refreshtoken",
  "apikey",
  "jwt",
]);
/** …and keys ending in these: `githubToken`, `installation_token`, `WEBHOOK_SECRET`, `dbPassword`. */
const SECRET_SUFFIXES = ["token", "secret", "password", "privatekey"];

export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_]/g, "");
  return SECRET_KEYS.has(normalized) || SECRET_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

const STRING_RULES: readonly [RegExp, string][] = [
  // PEM private keys, with real or escaped newlines.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, "[redacted private key]"],
  // The whole query string of a URL that carries an access token.
  [/\?[^\s#"'<>]*\baccess_token=[^\s#"'<>]*/gi, `?${REDACTED}`],
  // Token parameters outside a URL (form bodies, fragments).
  [/\b(access_token|refresh_token|client_secret)=[^&\s#"'<>]+/gi, `$1=${REDACTED}`],
  // The password in `scheme://user:password@host` (DATABASE_URL).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, `$1${REDACTED}@`],
  // GitHub tokens: installation (ghs_), personal (ghp_, github_pat_), OAuth (gho_), user-to-server (ghu_), refresh (ghr_).
  [/\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED],
  // JWTs (the app's own token, signed with its private key).
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  // An authorization header's credentials written into a message.
  [/\b(token|bearer|basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi, `$1 ${REDACTED}`],
];

/** A string without the secrets STRING_RULES recognise. */
export function scrubString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of STRING_RULES) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 12;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` without secrets: plain objects, arrays and errors are walked (cycle-safe); other class
 * instances (an IncomingMessage, a Date, a Buffer) are left to their serializers and the redact paths.
 */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubString(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof URL) return scrubString(value.href);
  const isError = value instanceof Error;
  if (!isError && !Array.isArray(value) && !isPlainObject(value)) return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
    // pino's error serializer keeps type, message, stack, cause and the error's own fields (Octokit's request/response).
    const source: Record<string, unknown> = isError ? { ...pino.stdSerializers.err(value) } : (value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) {
      out[key] = isSecretKey(key) && item !== null && item !== undefined && item !== "" ? REDACTED : scrub(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Paths redacted after serialization: objects libraries serialize themselves (pino-http's req and res), and
 * top-level keys, which is how a child logger's bindings are checked.
 */
const REDACT_PATHS = [
  "authorization",
  "token",
  "githubToken",
  "secret",
  "password",
  "privateKey",
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "GITHUB_TOKEN",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["proxy-authorization"]',
  "req.url",
  'res.headers["set-cookie"]',
  "headers.authorization",
  "*.headers.authorization",
  "*.*.headers.authorization",
];

function censor(value: unknown, path: string[]): unknown {
  // URLs keep their path; only what STRING_RULES matches goes.
  if (path.at(-1) === "url") return typeof value === "string" ? scrubString(value) : value;
  return value === undefined ? value : REDACTED;
}

/** Fields every line logged inside withLogContext carries (the hunt id inside actOnHunt), however its logger was made. */
const logContext = new AsyncLocalStorage<Readonly<Record<string, unknown>>>();

/** Runs fn with `fields` added to every line Locate's loggers write meanwhile, awaited work included. */
export function withLogContext<T>(fields: Readonly<Record<string, unknown>>, fn: () => T): T {
  return logContext.run({ ...logContext.getStore(), ...fields }, fn);
}

/**
 * Paths that load balancers, orchestrators and Prometheus poll every few seconds. Probot's HTTP logger (pino-http)
 * writes one info line per request, so at the default level these would bury the lines about webhooks and hunts.
 */
const PROBE_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Whether a log call is pino-http's access line for a probe that succeeded: it logs `{ res, responseTime }` with
 * the ServerResponse, whose `req` is the request. A probe that fails (a 503 from /readyz) keeps its level.
 */
function isQuietProbeLine(first: unknown): boolean {
  if (first === null || typeof first !== "object") return false;
  const res = (first as { res?: unknown }).res;
  if (!(res instanceof ServerResponse) || res.statusCode >= 400) return false;
  const path = res.req?.url?.split("?")[0];
  return path !== undefined && PROBE_PATHS.has(path);
}

/** pino options for Locate's logger; exported so tests can build one over an in-memory stream. */
export function loggerOptions(level: string = "info"): LoggerOptions {
  return {
    level,
    // A field the line itself sets wins over the context's.
    mixin: () => ({ ...logContext.getStore() }),
    redact: { paths: REDACT_PATHS, censor },
    serializers: {
      // Errors were turned into scrubbed plain objects by the logMethod hook; any that got past it are scrubbed here.
      err: (value: unknown) => (value instanceof Error ? scrub(value) : value),
    },
    hooks: {
      logMethod(args: unknown[], method, level) {
        const [first, ...rest] = args;
        // Successful health probes go to debug: still there when debugging, out of the info-level log.
        if (level === this.levels.values.info && isQuietProbeLine(first)) {
          (this.debug as (...a: unknown[]) => void)(...args);
          return;
        }
        // `log.error(err)` becomes `{ err }`; without a message, pino then takes the (scrubbed) err.message.
        const scrubbed = [first instanceof Error ? { err: scrub(first) } : scrub(first), ...rest.map((arg) => scrub(arg))];
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
}

/** The process logger: JSON lines on stdout (or `destination`), at LOG_LEVEL. */
export function createLogger(env: Pick<Env, "LOG_LEVEL">, destination?: DestinationStream): Logger {
  const options = loggerOptions(env.LOG_LEVEL ?? "info");
  return destination ? pino(options, destination) : pino(options);
}

/** What each handler's log lines carry: the delivery, the installation and the repository. */
export function deliveryBindings(context: { readonly id: string; readonly payload: unknown }): Record<string, unknown> {
  const payload = context.payload as { installation?: { id?: number }; repository?: { full_name?: string } } | null;
  return {
    delivery: context.id,
    ...(payload?.installation?.id !== undefined ? { installation: payload.installation.id } : {}),
    ...(payload?.repository?.full_name ? { repo: payload.repository.full_name } : {}),
  };
}
