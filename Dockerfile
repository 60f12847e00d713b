# syntax=docker/dockerfile:1
# Liftoff's image. Build: docker build -t liftoff .   Run: see compose.yaml and README "Running in production".

# --- build: compile TypeScript, build better-sqlite3 from source (.prebuild-installrc), keep production dependencies only
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .prebuild-installrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# --- runtime: node, the compiled output and the production dependencies; no compiler, no TypeScript, no npm in the path
FROM node:20-bookworm-slim AS runtime
# tini as PID 1: it hands SIGTERM (docker stop) to node and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    LIFTOFF_DB=/data/liftoff.db \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY data/templates ./data/templates
# The font the charts are drawn with (the image has no system fonts).
COPY assets ./assets
# The database lives in the volume, owned by the unprivileged user the image runs as (node, uid 1000).
RUN mkdir /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# /healthz: 200 while the database can be written (HTTP mode and Socket Mode alike, on PORT).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# The same command line as `npm start` (the young generation held at 16 MB: README, Performance).
CMD ["node", "--min-semi-space-size=8", "--max-semi-space-size=8", "dist/main.js"]
