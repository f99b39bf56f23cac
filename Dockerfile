# syntax=docker/dockerfile:1
#
# Jamii: docker build -t jamii . && docker run -p 3000:3000 -v jamii-data:/data jamii
# Embedded PGlite keeps its data in the /data volume; set DATABASE_URL to use a Postgres server.

# --- build: npm ci's `prepare` script bundles src/ (TypeScript) into dist/ with esbuild
# (src/build.mjs) and writes the migrated PGlite template a new /data starts from (no initdb).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY src ./src
COPY drizzle ./drizzle
RUN npm ci

# --- runtime ------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No scripts: `prepare` (the build) already ran in the build stage, and no runtime package needs one.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
# The bundle finds drizzle/ and prompts/ under the nearest directory holding package.json (src/install-paths.ts).
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY prompts ./prompts
RUN mkdir -p /data && chown node:node /data
USER node
ENV JAMII_HTTP_HOST=0.0.0.0 \
    JAMII_DATA_DIR=/data
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.JAMII_HTTP_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (graceful stop); give it time: docker stop -t 20.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/main.js"]
