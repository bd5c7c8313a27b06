// GitHub App authentication as GitHub does it: an RS256 app JWT buys installation tokens, which every repository call must carry.
import { createPublicKey, generateKeyPair, randomBytes, verify as verifySignature } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { promisify } from "node:util";

export interface AppKeys {
  /** PKCS#1 PEM, the format GitHub hands out for app private keys. */
  privateKeyPem: string;
  publicKey: KeyObject;
}

let cachedKeys: Promise<AppKeys> | undefined;

/** RSA generation costs up to a few hundred ms; one key per process keeps a test file with many sandboxes fast. */
export function appKeys(): Promise<AppKeys> {
  cachedKeys ??= promisify(generateKeyPair)("rsa", { modulusLength: 2048 }).then(({ privateKey }) => ({
    privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKey: createPublicKey(privateKey),
  }));
  return cachedKeys;
}

export type JwtCheck = { ok: true } | { ok: false; message: string };

/** Messages follow GitHub's answers for the same mistakes, so an app's error handling sees familiar text. */
export function verifyAppJwt(token: string, publicKey: KeyObject, appId: string, nowSeconds = Math.floor(Date.now() / 1000)): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, message: "A JSON web token could not be decoded" };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: { iat?: unknown; exp?: unknown; iss?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8"));
  } catch {
    return { ok: false, message: "A JSON web token could not be decoded" };
  }
  if (header.alg !== "RS256") return { ok: false, message: "A JSON web token could not be decoded" };
  const signed = verifySignature("sha256", Buffer.from(`${headerPart}.${payloadPart}`), publicKey, Buffer.from(signaturePart, "base64url"));
  if (!signed) return { ok: false, message: "A JSON web token could not be decoded" };
  if (String(payload.iss) !== appId) return { ok: false, message: "'Issuer' claim ('iss') must be an Integer" };
  if (typeof payload.exp !== "number" || payload.exp <= nowSeconds) {
    return { ok: false, message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  }
  if (typeof payload.iat !== "number" || payload.iat > nowSeconds + 60) {
    return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  }
  if (payload.exp - payload.iat > 600) {
    return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  }
  return { ok: true };
}

export interface InstallationToken {
  token: string;
  expiresAt: Date;
}

/** Issued installation tokens; they expire after an hour like GitHub's. */
export class TokenStore {
  private readonly tokens = new Map<string, InstallationToken>();

  issue(now = Date.now()): InstallationToken {
    const token: InstallationToken = {
      token: `ghs_${randomBytes(27).toString("base64url").replace(/[-_]/g, "x").slice(0, 36)}`,
      expiresAt: new Date(now + 3600_000),
    };
    this.tokens.set(token.token, token);
    return token;
  }

  valid(token: string, now = Date.now()): boolean {
    const found = this.tokens.get(token);
    return found !== undefined && found.expiresAt.getTime() > now;
  }

  get issued(): number {
    return this.tokens.size;
  }
}

export function looksLikeJwt(credential: string): boolean {
  return credential.split(".").length === 3;
}
