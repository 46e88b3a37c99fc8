# syntax=docker/dockerfile:1
# The Mathakine API image: what Render runs (render.yaml) and what `docker build .` gives anywhere.
# The build steps are CI's: `npm ci`, then `npm run build`.
ARG NODE_VERSION=22

# ---- build: compile TypeScript with every dependency -------------------------------------------
FROM node:${NODE_VERSION}-trixie-slim AS build
WORKDIR /app
# compilers only for native modules without a prebuilt binary for this platform
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies only, non-root ------------------------------------------
FROM node:${NODE_VERSION}-trixie-slim AS runtime
ENV NODE_ENV=production \
  NPM_CONFIG_UPDATE_NOTIFIER=false \
  PORT=3000
WORKDIR /app
# postgresql-client: pg_dump/pg_restore for `mathakine db migrate` (backs up first) and `db backup`.
# The compilers are installed, used by `npm ci` and removed in one layer, so none ships.
COPY package.json package-lock.json ./
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client python3 make g++ \
  && npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force \
  && apt-get purge -y --auto-remove python3 make g++ \
  && rm -rf /var/lib/apt/lists/* /root/.npm /tmp/*
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY bin ./bin
# Code stays root-owned and read-only to the app; only data and backups are writable.
RUN mkdir -p /app/data /app/backups && chown node:node /app/data /app/backups
USER node
EXPOSE 3000
# Render uses healthCheckPath instead; this serves `docker run` and compose. No curl in slim images.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/admin/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1 and handles SIGTERM (src/server.ts): graceful close, exit 0.
# --max-old-space-size=128: the server's live data is some 25 MB; without a limit V8 lets the old
# generation grow with the load before collecting it (peak resident memory 204-231 MB under the
# benchmark, 136-140 MB with it, at the same throughput: BENCHMARKS.md). `npm run bench` starts the
# server with this CMD's flags.
CMD ["node", "--max-old-space-size=128", "dist/server.js"]
