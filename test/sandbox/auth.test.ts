// Sandbox authentication: app JWT → installation token, and 401s for missing or wrong credentials, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { anonymousOctokit, appOctokit, failure, ownerRepo } from "./support.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ history: { tags: 5 } });
});
afterAll(() => sb.close());

describe("sandbox auth", () => {
  it("answers 401 without a token", async () => {
    const res = await failure(anonymousOctokit(sb).repos.get(ownerRepo(sb)));
    expect(res.status).toBe(401);
    expect(res.message).toMatch(/Requires authentication/);
  });

  it("answers 401 for an unknown token", async () => {
    const res = await fetch(`${sb.url}/api/v3/repos/${sb.repo.owner}/${sb.repo.name}`, { headers: { authorization: "token ghs_nope" } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe("Bad credentials");
  });

  it("exchanges the app JWT for an installation token and accepts it (token and Bearer)", async () => {
    const octokit = appOctokit(sb);
    const repo = await octokit.repos.get(ownerRepo(sb));
    expect(repo.data.full_name).toBe(`${sb.repo.owner}/${sb.repo.name}`);
    const tokenCall = sb.requests.find((r) => r.route === "POST /app/installations/{installation_id}/access_tokens");
    expect(tokenCall?.status).toBe(201);
    const token = (tokenCall!.response as { token: string; expires_at: string; repository_selection: string }).token;
    expect(token).toMatch(/^ghs_/);
    const bearer = await fetch(`${sb.url}/api/v3/repos/${sb.repo.owner}/${sb.repo.name}`, { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
  });

  it("rejects a JWT signed with another key, and the JWT on repository routes", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const { createAppAuth } = await import("@octokit/auth-app");
    const forged = await createAppAuth({ appId: sb.env.APP_ID, privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() })({ type: "app" });
    const res = await fetch(`${sb.url}/api/v3/app/installations/${sb.installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `bearer ${forged.token}` },
    });
    expect(res.status).toBe(401);

    const real = await createAppAuth({ appId: sb.env.APP_ID, privateKey: sb.env.PRIVATE_KEY })({ type: "app" });
    const app = await fetch(`${sb.url}/api/v3/app`, { headers: { authorization: `bearer ${real.token}` } });
    expect(((await app.json()) as { slug: string }).slug).toBe("locate");
    const repoWithJwt = await fetch(`${sb.url}/api/v3/repos/${sb.repo.owner}/${sb.repo.name}`, { headers: { authorization: `bearer ${real.token}` } });
    expect(repoWithJwt.status).toBe(401);
    const wrongInstallation = await fetch(`${sb.url}/api/v3/app/installations/1/access_tokens`, {
      method: "POST",
      headers: { authorization: `bearer ${real.token}` },
    });
    expect(wrongInstallation.status).toBe(404);
  });

  it("exposes the env a Probot app needs", () => {
    expect(sb.env.GHE_HOST).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(sb.env.GHE_PROTOCOL).toBe("http");
    expect(sb.env.PRIVATE_KEY).toContain("-----BEGIN RSA PRIVATE KEY-----");
    expect(sb.botLogin).toBe("locate[bot]");
  });
});
