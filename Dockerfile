# syntax=docker/dockerfile:1
# Behflow GraphQL: the server, its web app and its migrations. Build: docker build -t behflow-graphql .
# Run with DATABASE_URL (and REDIS_URL for several instances); see compose.yaml.

# ---- build: install from the lockfile (which also builds the web app), then bundle the server
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build
# Only what the server and its tools (db:backup, user:promote) load at run time.
RUN npm prune --omit=dev --no-audit --no-fund

# ---- run: no compiler, no dev tools, not root
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    BEHFLOW_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/web/package.json ./web/package.json
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/src ./src
COPY --from=build /app/scripts ./scripts
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
# Liveness only (/health does not depend on the database); orchestrators route by /ready.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The start script's own command, so SIGTERM reaches the server (npm would not wait for it).
CMD ["node", "--max-semi-space-size=1", "--v8-pool-size=1", "--liftoff-only", "dist/main.js"]
