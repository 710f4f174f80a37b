# The image of a platform HTTP service built on the kit (discovery, flags, health): one file, the app
# chosen by a build argument. Build from the repository root:
#   docker build -f apps/service.Dockerfile --build-arg APP=discovery -t <registry>/discovery:<tag> .
# Stage 1 bundles the app (tools/bundle-app.mjs, esbuild): main.js runs main.bundle.js. Stage 2 writes
# the bundle's V8 code cache with the runtime image's own node (V8 rejects a cache from any other
# build), so a start skips most parsing and compiling. Stage 3 runs it on distroless Node 20 as a
# non-root user: no shell, no npm, a small image, fast cold start.
ARG APP
FROM node:20.20-bookworm-slim AS build
ARG APP
RUN test -n "$APP" || { echo "set the app: --build-arg APP=discovery|flags|health" >&2; exit 2; }
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
COPY tools/ensure-deps.mjs tools/
# --ignore-scripts: bundling needs no install script (and @pulumi/kubernetes's would download a plugin).
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY apps ./apps
COPY migrations ./migrations
COPY tools/bundle-app.mjs tools/
RUN node tools/bundle-app.mjs "$APP" /out/main.js

FROM gcr.io/distroless/nodejs20-debian12:nonroot AS code-cache
WORKDIR /app
COPY --from=build /out/ ./
ENV NODE_ENV=production PORT=8080 LOG_FORMAT=json ARMATURE_WRITE_CODE_CACHE=1
USER 0
RUN ["/nodejs/bin/node", "main.js"]

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
COPY --from=code-cache /app/ ./
ENV NODE_ENV=production PORT=8080 LOG_FORMAT=json
EXPOSE 8080
USER nonroot
# Probes: /livez, /readyz, /startupz on 8080; metrics at /metrics (apps/kit/README.md).
# No --enable-source-maps: it parses the map before the app starts; the bundle maps stack traces itself, on first use.
CMD ["main.js"]
