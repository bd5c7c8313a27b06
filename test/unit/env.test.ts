// loadEnv (§6): server settings validated at start-up, each bad variable named in the message.
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.js";

const VALID = {
  APP_ID: "123456",
  PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n",
  WEBHOOK_SECRET: "s3cret",
  GHE_HOST: "github.example.com:8443",
  GHE_PROTOCOL: "https",
  PORT: "3000",
  HOST: "0.0.0.0",
  LOG_LEVEL: "info",
  WEBHOOK_PATH: "/api/github/webhooks",
  DATABASE_URL: "postgres://locate:pw@db.internal:5432/locate",
  LOCATE_DATA_DIR: "/var/lib/locate",
  LOCATE_WRITE_INTERVAL_MS: "1000",
  LOCATE_PROGRESS_EDIT_SECONDS: "2.5",
  LOCATE_RECONCILE_SECONDS: "60",
  LOCATE_VERSIONS_SOURCE: "graphql",
};

type Source = Record<string, string | undefined>;

// Probot narrows some ProcessEnv keys (LOG_LEVEL) in its types; loadEnv is exactly what checks arbitrary strings.
function load(source: Source) {
  return loadEnv(source as NodeJS.ProcessEnv);
}

function failure(source: Source): string {
  try {
    load(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected loadEnv to reject ${JSON.stringify(source)}`);
}

describe("loadEnv accepts", () => {
  it("a complete valid environment, with numbers coerced", () => {
    expect(load(VALID)).toEqual({ ...VALID, PORT: 3000, LOCATE_WRITE_INTERVAL_MS: 1000, LOCATE_PROGRESS_EDIT_SECONDS: 2.5, LOCATE_RECONCILE_SECONDS: 60 });
  });

  it("an empty environment: every setting is optional", () => {
    expect(load({})).toEqual({});
  });

  it("PRIVATE_KEY_PATH instead of PRIVATE_KEY, postgresql:// URLs, http for a GHES host", () => {
    expect(
      load({ APP_ID: "1", PRIVATE_KEY_PATH: "./key.pem", DATABASE_URL: "postgresql://localhost/locate", GHE_HOST: "ghe.local", GHE_PROTOCOL: "http" }),
    ).toEqual({ APP_ID: "1", PRIVATE_KEY_PATH: "./key.pem", DATABASE_URL: "postgresql://localhost/locate", GHE_HOST: "ghe.local", GHE_PROTOCOL: "http" });
  });

  it.each([["trace"], ["debug"], ["info"], ["warn"], ["error"], ["fatal"], ["silent"]])("LOG_LEVEL=%s", (level) => {
    expect(load({ LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
  });

  it.each([["0"], ["65535"]])("PORT=%s", (port) => {
    expect(load({ PORT: port }).PORT).toBe(Number(port));
  });

  it("ignores variables it does not know (PATH, HOME, …) and leaves them out of the result", () => {
    const env = load({ PATH: "/usr/bin", HOME: "/root", NODE_ENV: "production", APP_ID: "7" });
    expect(env).toEqual({ APP_ID: "7" });
  });

  it("treats empty strings as unset, even for variables that would be invalid", () => {
    const empty = Object.fromEntries(Object.keys(VALID).map((k) => [k, ""]));
    expect(load(empty)).toEqual({});
    expect(load({ ...VALID, PORT: "", DATABASE_URL: "", GHE_PROTOCOL: "" })).toEqual({
      ...VALID,
      PORT: undefined,
      DATABASE_URL: undefined,
      GHE_PROTOCOL: undefined,
      LOCATE_WRITE_INTERVAL_MS: 1000,
      LOCATE_PROGRESS_EDIT_SECONDS: 2.5,
      LOCATE_RECONCILE_SECONDS: 60,
    });
    // Unset, not "the empty value": DATABASE_URL="" means PGlite, not a bad URL.
    expect("DATABASE_URL" in load({ DATABASE_URL: "" })).toBe(false);
    expect("PORT" in load({ PORT: "" })).toBe(false);
  });

  it("treats undefined values as unset", () => {
    expect(load({ PORT: undefined, APP_ID: "9" })).toEqual({ APP_ID: "9" });
  });
});

describe("loadEnv rejects, naming the variable", () => {
  it.each<[string, string, RegExp]>([
    ["APP_ID", "abc", /numeric GitHub App id/],
    ["APP_ID", "12a", /numeric GitHub App id/],
    ["GHE_HOST", "https://github.example.com", /without a scheme/],
    ["GHE_HOST", "github.example.com/api/v3", /without a scheme or path/],
    ["GHE_PROTOCOL", "ftp", /"http"\|"https"/],
    ["PORT", "70000", /<=65535/],
    ["PORT", "-1", />=0/],
    ["PORT", "http", /expected number/],
    ["PORT", "80.5", /int/],
    ["DATABASE_URL", "mysql://user:pw@db/locate", /postgres:\/\//],
    ["DATABASE_URL", "db.internal:5432/locate", /postgres:\/\//],
    ["LOG_LEVEL", "loud", /expected one of/],
    ["WEBHOOK_PATH", "api/github/webhooks", /start with "\/"/],
    ["LOCATE_WRITE_INTERVAL_MS", "60001", /<=60000/],
    ["LOCATE_PROGRESS_EDIT_SECONDS", "-1", />=0/],
    ["LOCATE_PROGRESS_EDIT_SECONDS", "a minute", /expected number/],
    ["LOCATE_RECONCILE_SECONDS", "0", />=1/],
    ["LOCATE_VERSIONS_SOURCE", "soap", /must be auto, graphql or rest/],
  ])("%s=%s", (name, value, problem) => {
    const message = failure({ ...VALID, [name]: value });
    expect(message).toMatch(/^Invalid environment:/);
    const lines = message.split("\n").slice(1);
    // Exactly one line, for this variable, with the reason.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^\\s+${name}: `));
    expect(lines[0]).toMatch(problem);
  });

  it("names every bad variable at once", () => {
    const message = failure({ APP_ID: "x", GHE_HOST: "https://ghe", GHE_PROTOCOL: "ftp", PORT: "70000", DATABASE_URL: "mysql://db", LOG_LEVEL: "loud" });
    for (const name of ["APP_ID", "GHE_HOST", "GHE_PROTOCOL", "PORT", "DATABASE_URL", "LOG_LEVEL"]) expect(message).toMatch(new RegExp(`^\\s+${name}: `, "m"));
    expect(message.split("\n")).toHaveLength(7);
  });

  it("does not echo secret values in the message", () => {
    const message = failure({ ...VALID, PRIVATE_KEY: "-----BEGIN KEY-----secret-material", PORT: "99999" });
    expect(message).not.toContain("secret-material");
    expect(message).not.toContain(VALID.WEBHOOK_SECRET);
    expect(message).not.toContain("pw@db.internal");
  });
});
