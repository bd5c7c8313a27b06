// Test helpers for the sandbox suite: an app-authenticated Octokit and a local webhook receiver that verifies signatures.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { Webhooks } from "@octokit/webhooks";
import type { Sandbox } from "../../src/sandbox/index.js";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Authenticates exactly like Probot: app JWT → installation token → token on every call. */
export function appOctokit(sb: Sandbox): Octokit {
  return new Octokit({
    baseUrl: `${sb.url}/api/v3`,
    authStrategy: createAppAuth,
    auth: { appId: sb.env.APP_ID, privateKey: sb.env.PRIVATE_KEY, installationId: sb.installationId },
    log: quiet,
    request: { retries: 0 },
  });
}

export function anonymousOctokit(sb: Sandbox): Octokit {
  return new Octokit({ baseUrl: `${sb.url}/api/v3`, log: quiet });
}

export interface Received {
  id: string;
  event: string;
  action: string | undefined;
  payload: Record<string, any>;
  signatureValid: boolean;
  headers: Record<string, string | string[] | undefined>;
}

export interface Receiver {
  url: string;
  events: Received[];
  /** Status the receiver answers with (default 200). */
  status: number;
  close(): Promise<void>;
}

export async function webhookReceiver(secret: string): Promise<Receiver> {
  const webhooks = new Webhooks({ secret });
  const receiver: Receiver = { url: "", events: [], status: 200, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["x-hub-signature-256"] ?? "");
      void webhooks.verify(body, signature).then((valid) => {
        const payload = JSON.parse(body) as Record<string, any>;
        receiver.events.push({
          id: String(req.headers["x-github-delivery"]),
          event: String(req.headers["x-github-event"]),
          action: payload.action,
          payload,
          signatureValid: valid,
          headers: req.headers,
        });
        res.writeHead(receiver.status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  receiver.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

export function ownerRepo(sb: Sandbox): { owner: string; repo: string } {
  return { owner: sb.repo.owner, repo: sb.repo.name };
}

/** Catches an Octokit RequestError and returns its status and message. */
export async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string; data: any }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { status: number; message: string; response?: { data: unknown } };
    return { status: e.status, message: e.message, data: e.response?.data };
  }
  throw new Error("expected the request to fail");
}
