# syntax=docker/dockerfile:1.20
# What this shows: the one image recipe for every deployable. SERVICE is `gateway` or the name of a
# folder under services/ that has src/main.ts. Prerequisites: Docker with BuildKit (the default).
#   docker build --build-arg SERVICE=fundraising -t commonhold/fundraising .
#   docker run commonhold/fundraising            # serves until SIGTERM (env: env.schema.example)
#   docker run commonhold/fundraising migrate    # applies migrations and exits (the Helm hook Job)
# Layout, choices and what the tests prove without Docker: docs/build.md.

# The Node line the tests run on; the bundles target it (scripts/build.mjs: target node24).
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-slim AS base
WORKDIR /app

# Every workspace's manifest at its own path (COPY --parents, dockerfile 1.20+) and the lockfile:
# the install layers below are reused until a dependency changes, not on every source edit.
FROM base AS manifests
COPY --parents package.json package-lock.json packages/*/package.json services/*/package.json gateway/package.json bench/package.json ./

# All dependencies (esbuild is a devDependency), then the bundle of the one deployable, copied to
# /out/dist. Install scripts stay off, as the root package.json's allowScripts policy has them;
# `npm install`, not `npm ci`: see the README (with a lockfile it installs the locked versions).
FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm \
    npm install --no-audit --no-fund --ignore-scripts
COPY . .
ARG SERVICE
RUN npm run build -- "${SERVICE:?pass --build-arg SERVICE=<gateway or a services/ folder name>}" --out /out/dist

# Production dependencies of that workspace only: npm follows its @commonhold/* workspace
# dependencies (the kit) and their dependencies, and leaves out every devDependency. The
# @commonhold/* links are dropped: their code is inside the bundle.
FROM manifests AS deps
ARG SERVICE
RUN --mount=type=cache,target=/root/.npm \
    npm install --omit=dev --workspace "@commonhold/${SERVICE:?pass --build-arg SERVICE}" --no-audit --no-fund --ignore-scripts \
    && rm -rf node_modules/@commonhold

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /out/dist ./dist
# The official image's `node` user, by number so Kubernetes runAsNonRoot can verify it. The files
# above stay root-owned: the process reads them and writes nothing (read-only root filesystem).
USER 1000:1000
# No EXPOSE: each process listens on PORT (config default per service); the chart sets the port.
# Arguments after the image name go to main.js: `migrate` runs the migrations instead of serving.
ENTRYPOINT ["node", "--enable-source-maps", "dist/main.js"]
