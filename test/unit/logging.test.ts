// The process logger (src/observability/logging.ts): JSON lines where no secret survives, whatever shape it hides in.
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createLogger, deliveryBindings, isSecretKey, scrub, scrubString, withLogContext } from "../../src/observability/logging.js";

const INSTALLATION_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const PERSONAL_TOKEN = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
const FINE_GRAINED = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz";
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjEyMzQ1LCJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLW9mLXRoZS1hcHA";
const ACCESS_TOKEN = "gho_querystringTokenValue0123456789";
const PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretkeymaterial\nMoreSecretKeyMaterialHere==\n-----END RSA PRIVATE KEY-----";
const WEBHOOK_SECRET = "whsec-development-4f9a0c";
const DB_PASSWORD = "s3cr3t-db-pass";

const SECRETS = [INSTALLATION_TOKEN, PERSONAL_TOKEN, FINE_GRAINED, JWT, ACCESS_TOKEN, "secretkeymaterial", "MoreSecretKeyMaterialHere", WEBHOOK_SECRET, DB_PASSWORD];

/** A logger writing into memory, exactly as the process's (createLogger), and the lines it wrote. */
function capture(level: "trace" | "debug" | "info" = "trace") {
  const chunks: string[] = [];
  const log = createLogger({ LOG_LEVEL: level }, { write: (chunk: string) => void chunks.push(chunk) });
  return {
    log,
    text: () => chunks.join(""),
    lines: () => chunks.join("").trim().split("\n").map((line) => JSON.parse(line) as Record<string, any>),
  };
}

function expectNoSecret(text: string) {
  for (const secret of SECRETS) expect(text, `leaked ${secret.slice(0, 12)}…`).not.toContain(secret);
}

/** Shaped like @octokit/request-error's RequestError: status, and the request and response it came from. */
function requestError(): Error {
  const error = Object.assign(new Error(`Bad credentials - https://docs.github.com/rest`), {
    name: "HttpError",
    status: 401,
    request: {
      method: "POST",
      url: `https://api.github.com/repos/acme/widgets/actions/workflows/locate.yml/dispatches?access_token=${ACCESS_TOKEN}&per_page=5`,
      headers: { accept: "application/vnd.github.v3+json", "user-agent": "probot/14.3.2", authorization: `token ${INSTALLATION_TOKEN}` },
      body: JSON.stringify({ ref: "main", inputs: { tag: "v1.2.0" } }),
      request: { retries: 0 },
    },
    response: {
      status: 401,
      url: "https://api.github.com/repos/acme/widgets/actions/workflows/locate.yml/dispatches",
      headers: { "x-github-request-id": "C0DE:1234:ABCD", "x-ratelimit-remaining": "4999" },
      data: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" },
    },
  });
  return error;
}

describe("Octokit request errors", () => {
  it("`{ err }` keeps the message, status, request and response but not the token", () => {
    const out = capture();
    out.log.error({ err: requestError(), huntId: 42, delivery: "d-1" }, "dispatch failed");
    const text = out.text();
    expectNoSecret(text);
    const [line] = out.lines();
    expect(line!.msg).toBe("dispatch failed");
    expect(line!.huntId).toBe(42);
    expect(line!.delivery).toBe("d-1");
    expect(line!.err.type).toBe("Error");
    expect(line!.err.message).toContain("Bad credentials");
    expect(line!.err.stack).toContain("Bad credentials");
    expect(line!.err.status).toBe(401);
    expect(line!.err.request.headers.authorization).toBe("[redacted]");
    expect(line!.err.request.headers["user-agent"]).toBe("probot/14.3.2");
    expect(line!.err.request.method).toBe("POST");
    expect(line!.err.request.url).toBe("https://api.github.com/repos/acme/widgets/actions/workflows/locate.yml/dispatches?[redacted]");
    expect(line!.err.response.headers["x-github-request-id"]).toBe("C0DE:1234:ABCD");
    expect(line!.err.response.data.message).toBe("Bad credentials");
  });

  it("an error logged on its own, under another key, or as a cause is scrubbed the same way", () => {
    const out = capture();
    out.log.error(requestError());
    out.log.warn({ error: requestError() }, "retrying");
    out.log.error({ err: new Error("reconcile failed", { cause: requestError() }) });
    out.log.error({ errors: [requestError(), { request: { headers: { Authorization: `Bearer ${JWT}` } } }] }, "several");
    expectNoSecret(out.text());
    const [alone, other, withCause, several] = out.lines();
    expect(alone!.msg).toContain("Bad credentials");
    expect(alone!.err.status).toBe(401);
    expect(other!.error.request.headers.authorization).toBe("[redacted]");
    expect(withCause!.msg).toMatch(/^reconcile failed/);
    expect(JSON.stringify(withCause)).toContain("Bad credentials");
    expect(several!.errors[1].request.headers.Authorization).toBe("[redacted]");
  });

  it("a token in an error's message is removed from the message, the stack and the line's msg", () => {
    const out = capture();
    out.log.error(new Error(`GET https://api.github.com/installation/repositories?access_token=${ACCESS_TOKEN} failed`));
    out.log.error({ err: new Error(`Authorization: token ${INSTALLATION_TOKEN} was rejected`) });
    expectNoSecret(out.text());
    expect(out.lines()[0]!.msg).toBe("GET https://api.github.com/installation/repositories?[redacted] failed");
    expect(out.lines()[1]!.msg).toBe("Authorization: token [redacted] was rejected");
  });
});

describe("environment and nested secrets", () => {
  it("an env object loses its keys, secret and webhook secret, and the database password, not the rest", () => {
    const out = capture();
    const env = {
      APP_ID: "123456",
      PRIVATE_KEY,
      PRIVATE_KEY_PATH: "/run/secrets/key.pem",
      WEBHOOK_SECRET,
      GITHUB_TOKEN: PERSONAL_TOKEN,
      DATABASE_URL: `postgres://locate:${DB_PASSWORD}@db.internal:5432/locate`,
      LOG_LEVEL: "info",
      PORT: 3000,
    };
    out.log.info({ env }, "starting");
    out.log.info(env, "starting flat");
    expectNoSecret(out.text());
    for (const line of out.lines()) {
      const e = (line.env ?? line) as Record<string, unknown>;
      expect(e.APP_ID).toBe("123456");
      expect(e.PRIVATE_KEY).toBe("[redacted]");
      expect(e.WEBHOOK_SECRET).toBe("[redacted]");
      expect(e.GITHUB_TOKEN).toBe("[redacted]");
      expect(e.PRIVATE_KEY_PATH).toBe("/run/secrets/key.pem");
      expect(e.DATABASE_URL).toBe("postgres://locate:[redacted]@db.internal:5432/locate");
      expect(e.LOG_LEVEL).toBe("info");
      expect(e.PORT).toBe(3000);
    }
  });

  it("tokens, secrets and passwords at any depth, in arrays, under any spelling of the key", () => {
    const out = capture();
    out.log.info(
      {
        hunt: { id: 7, runs: [{ position: 3, token: "loc-7-0123456789ab" }, { position: 4, options: { installation_token: INSTALLATION_TOKEN } }] },
        deep: { a: { b: { c: { d: { e: { password: DB_PASSWORD, secret: WEBHOOK_SECRET, privateKey: PRIVATE_KEY, "x-api-key": "k" } } } } } },
        probot: { githubToken: PERSONAL_TOKEN, appId: 9 },
        headers: { Authorization: `Bearer ${JWT}`, "Content-Type": "application/json" },
        text: `a comment mentioning ${FINE_GRAINED} by mistake`,
      },
      "nested",
    );
    expectNoSecret(out.text());
    const [line] = out.lines();
    expect(line!.hunt.id).toBe(7);
    expect(line!.hunt.runs[0].position).toBe(3);
    expect(line!.hunt.runs[0].token).toBe("[redacted]");
    expect(line!.probot.appId).toBe(9);
    expect(line!.headers["Content-Type"]).toBe("application/json");
    expect(line!.text).toBe("a comment mentioning [redacted] by mistake");
    expect(line!.deep.a.b.c.d.e).toEqual({ password: "[redacted]", secret: "[redacted]", privateKey: "[redacted]", "x-api-key": "k" });
  });

  it("messages and format arguments are scrubbed too", () => {
    const out = capture();
    out.log.info(`fetching https://ghe.example.com/api/v3/app?x=1&access_token=${ACCESS_TOKEN}#frag`);
    out.log.info("using key %s and %o", PRIVATE_KEY, { token: INSTALLATION_TOKEN });
    expectNoSecret(out.text());
    expect(out.lines()[0]!.msg).toBe("fetching https://ghe.example.com/api/v3/app?[redacted]#frag");
  });

  it("child logger bindings with a secret key are redacted; the delivery context is kept", () => {
    const out = capture();
    out.log.child({ delivery: "abc-123", installation: 5, token: INSTALLATION_TOKEN, githubToken: PERSONAL_TOKEN }).info("bound");
    expectNoSecret(out.text());
    const [line] = out.lines();
    expect(line).toMatchObject({ delivery: "abc-123", installation: 5, token: "[redacted]", msg: "bound" });
  });

  it("an incoming request serialized by pino's req serializer (as pino-http does) loses its authorization header", () => {
    const out = capture();
    const req = new IncomingMessage(new Socket());
    req.method = "GET";
    req.url = `/metrics?access_token=${ACCESS_TOKEN}`;
    req.headers = { authorization: `Bearer ${JWT}`, "x-github-delivery": "d-9", host: "locate.example.com" };
    const http = out.log.child({ name: "http" }, { serializers: { req: pino.stdSerializers.req } });
    http.info({ req }, "request");
    expectNoSecret(out.text());
    const [line] = out.lines();
    expect(line!.req.headers.authorization).toBe("[redacted]");
    expect(line!.req.headers["x-github-delivery"]).toBe("d-9");
    expect(line!.req.url).toBe("/metrics?[redacted]");
    expect(line!.req.method).toBe("GET");
  });

  it("survives cycles and leaves non-secret values alone", () => {
    const out = capture();
    const loop: Record<string, unknown> = { name: "loop", token: INSTALLATION_TOKEN };
    loop.self = loop;
    out.log.info({ loop, when: new Date(0), count: 3, ok: true, none: null }, "cyclic");
    expectNoSecret(out.text());
    const [line] = out.lines();
    expect(line).toMatchObject({ loop: { name: "loop", token: "[redacted]", self: "[Circular]" }, when: "1970-01-01T00:00:00.000Z", count: 3, ok: true, none: null });
  });

  it("respects LOG_LEVEL", () => {
    const out = capture("info");
    out.log.debug({ huntId: 1 }, "hidden");
    out.log.info({ huntId: 1 }, "shown");
    expect(out.lines().map((l) => l.msg)).toEqual(["shown"]);
  });
});

describe("log context", () => {
  it("withLogContext adds its fields to every line written inside it, across awaits, child loggers included", async () => {
    const out = capture();
    const child = out.log.child({ delivery: "d-5" });
    out.log.info("before");
    await withLogContext({ huntId: 7 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      child.info("inside");
      await withLogContext({ round: 2 }, async () => child.info("nested"));
      // The line's own field wins.
      out.log.info({ huntId: 8 }, "explicit");
    });
    out.log.info("after");
    const lines = out.lines();
    expect(lines.map((l) => [l.msg, l.huntId, l.round])).toEqual([
      ["before", undefined, undefined],
      ["inside", 7, undefined],
      ["nested", 7, 2],
      ["explicit", 8, undefined],
      ["after", undefined, undefined],
    ]);
    expect(lines[1]!.delivery).toBe("d-5");
    expect(out.text().match(/"huntId"/g)).toHaveLength(3);
  });
});

describe("helpers", () => {
  it("isSecretKey matches secret names in any case and separator style, not their neighbours", () => {
    for (const key of ["authorization", "Authorization", "PRIVATE_KEY", "privateKey", "WEBHOOK_SECRET", "secret", "token", "githubToken", "access_token", "password", "DB_PASSWORD"]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ["PRIVATE_KEY_PATH", "APP_ID", "tokens_used", "huntId", "delivery", "url", "x-github-request-id"]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it("scrubString keeps the URL path and non-secret text", () => {
    expect(scrubString("https://api.github.com/repos/a/b/tags?per_page=100")).toBe("https://api.github.com/repos/a/b/tags?per_page=100");
    expect(scrubString(`https://api.github.com/x?per_page=1&access_token=${ACCESS_TOKEN}`)).toBe("https://api.github.com/x?[redacted]");
    expect(scrubString("token rotation scheduled")).toBe("token rotation scheduled");
    expect(scrub({ message: "plain" })).toEqual({ message: "plain" });
  });

  it("deliveryBindings names the delivery, installation and repository", () => {
    expect(deliveryBindings({ id: "d-1", payload: { installation: { id: 5 }, repository: { full_name: "acme/widgets" } } })).toEqual({
      delivery: "d-1",
      installation: 5,
      repo: "acme/widgets",
    });
    expect(deliveryBindings({ id: "d-2", payload: { zen: "ping" } })).toEqual({ delivery: "d-2" });
  });
});
