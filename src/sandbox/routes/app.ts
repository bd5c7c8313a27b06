// App-level endpoints, authenticated with the app JWT: installation access tokens and GET /app.
import { error, ok } from "../http.js";
import type { RouteDef } from "../router.js";
import { APP_PERMISSIONS, app, repository } from "../shapes/common.js";
import type { World } from "../world.js";

export function appRoutes(world: World): RouteDef[] {
  return [
    {
      method: "POST",
      template: "/app/installations/{installation_id}/access_tokens",
      auth: "jwt",
      handler: (req) => {
        if (req.params.installation_id !== String(world.installationId)) return error(404, "Not Found");
        const issued = world.tokens.issue();
        const body = (req.body ?? {}) as { repository_ids?: number[]; repositories?: string[] };
        const scoped = body.repository_ids !== undefined || body.repositories !== undefined;
        return ok(
          {
            token: issued.token,
            expires_at: issued.expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
            permissions: APP_PERMISSIONS,
            repository_selection: "selected",
            ...(scoped ? { repositories: [repository(world)] } : {}),
          },
          201,
        );
      },
    },
    { method: "GET", template: "/app", auth: "jwt", handler: () => ok(app(world)) },
  ];
}
