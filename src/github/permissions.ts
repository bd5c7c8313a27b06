// Who may act (§2): the sender's role on the repository, from the collaborator permission API, cached briefly.
import { type GitHub, type RepoRef, repoParams, httpStatus } from "./client.js";

export type Role = "none" | "read" | "triage" | "write" | "maintain" | "admin";
const RANK: Record<Role, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

function asRole(value: unknown): Role | undefined {
  return typeof value === "string" && value in RANK ? (value as Role) : undefined;
}

// A minute is short enough that a revoked collaborator loses access quickly, long enough that a burst of ticks costs one request.
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
const cache = new Map<string, { role: Role; expires: number }>();

export async function getRole(gh: GitHub, installationId: number, repo: RepoRef, username: string): Promise<Role> {
  const key = `${installationId}\u0000${repo.owner}/${repo.repo}\u0000${username}`.toLowerCase();
  const hit = cache.get(key);
  if (hit && hit.expires > Date.now()) return hit.role;
  let role: Role;
  try {
    const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ ...repoParams(repo), username });
    // role_name carries triage/maintain (and custom role names); permission is the coarse fallback.
    role = asRole(data.role_name) ?? asRole(data.permission) ?? "none";
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
    role = "none";
  }
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { role, expires: Date.now() + TTL_MS });
  return role;
}

/** Tests start every case from an empty cache. */
export function clearRoleCache(): void {
  cache.clear();
}
