# The image of a platform HTTP service built on the kit (discovery, flags, health): one file for the
# three; the app is whatever its context holds. Build them all with `npm run images` (podman, or
# `-- --builder docker`): it assembles the base, bundles each app on the host into a context
# (tools/images/stage.ts: main.js runs main.bundle.js, tools/bundle-app.mjs) and runs
#   podman build -f apps/service.Dockerfile -t <registry>/discovery:<tag> ~/.cache/armature/images/contexts/discovery
# The base (tools/images/base.Dockerfile): Node 20 and its C/C++ runtime libraries FROM scratch, no
# shell, uid 65532. tools/images/README.md says why the base is built here and not pulled.
ARG BASE=localhost/armature/node20-base:20.20.2
FROM ${BASE}
WORKDIR /app
COPY app/ ./
# The bundle's V8 code cache, written with the image's own node (V8 rejects a cache from any other
# build), so a start skips most parsing and compiling. A build argument reaches RUN's environment but
# not the image's. Root for this step only: /app is root's, and stays read-only to the app.
USER 0
ARG ARMATURE_WRITE_CODE_CACHE=1
RUN ["/nodejs/bin/node", "main.js"]
USER 65532:65532
ENV NODE_ENV=production PORT=8080 LOG_FORMAT=json
EXPOSE 8080
# Probes: /livez, /readyz, /startupz on 8080; metrics at /metrics (apps/kit/README.md).
# No --enable-source-maps: it parses the map before the app starts; the bundle maps stack traces itself, on first use.
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["main.js"]
