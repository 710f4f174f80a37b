/**
 * `migrator job`: the Job manifest (checked against the Kubernetes schema by kubernetes-models),
 * and argument and cluster errors. The live path (creating the Job, streaming its log) needs a
 * cluster and is not exercised here; a kubeconfig pointing at a closed port shows the error path.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Job } from "kubernetes-models/batch/v1/Job";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { migratorJob } from "../kube/job-manifest";
import { runCliInProcess } from "../testing";

const required = ["--namespace", "flags", "--image", "europe-docker.pkg.dev/p/armature/migrator:1.4.2", "--database", "flags", "--database-url-secret", "flags-db:url"];

describe("migrator job", () => {
  it("--dry-run prints a valid, locked-down Job running the command with the database URL from the Secret", async () => {
    const result = await runCliInProcess(["job", "rollback-post", "--to", "3", "--lock-timeout", "120", ...required, "--dry-run"], {});
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const manifest = parse(result.stdout);
    expect(() => new Job(manifest).validate()).not.toThrow();
    expect(manifest.metadata.name).toMatch(/^migrator-flags-rollback-post-[0-9a-f]{6}$/);
    expect(manifest.spec.backoffLimit).toBe(0);
    const pod = manifest.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.automountServiceAccountToken).toBe(false);
    const [container] = pod.containers;
    expect(container.args).toEqual(["rollback-post", "--lock-timeout", "120", "--to", "3"]);
    expect(container.env).toEqual([
      { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "flags-db", key: "url" } } },
      { name: "MIGRATOR_DATABASE", value: "flags" },
      { name: "LOG_FORMAT", value: "json" },
      { name: "DATABASE_TLS_SERVER_NAME", valueFrom: { configMapKeyRef: { name: "postgres-server-ca", key: "tls-server-name", optional: true } } },
    ]);
    // The database URL's sslrootcert is read from the namespace's CA ConfigMap, mounted read-only.
    expect(container.volumeMounts).toEqual([{ name: "postgres-ca", mountPath: "/etc/armature/postgres", readOnly: true }]);
    expect(pod.volumes).toEqual([{ name: "postgres-ca", configMap: { name: "postgres-server-ca", items: [{ key: "server-ca.pem", path: "server-ca.pem" }], optional: true } }]);
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
    expect(container.resources.limits).toBeDefined();
  });

  it("builds names that fit Kubernetes for long database names", () => {
    const job = migratorJob({
      namespace: "ns",
      image: "m:1",
      database: "a_very_long_database_name_for_a_service_with_a_long_name",
      args: ["rollback-post"],
      databaseUrlSecret: { name: "s", key: "k" },
      deadlineSeconds: 60,
    });
    expect(job.metadata?.name?.length).toBeLessThanOrEqual(63);
    expect(() => new Job(job as never).validate()).not.toThrow();
  });

  it.each([
    [["pre", "--image", "m:1", "--database", "flags", "--database-url-secret", "s"], /--namespace is required/],
    [["pre", ...required.slice(0, 2), "--image", "migrator", ...required.slice(4)], /--image must be pinned by tag or digest \(not latest\), found "migrator"/],
    [["pre", ...required.slice(0, 2), "--image", "migrator:latest", ...required.slice(4)], /must be pinned/],
    [["pre", ...required.slice(0, 6), "--database-url-secret", "Flags DB"], /--database-url-secret must be <secret name>\[:<key>\], found "Flags DB"/],
    [["pre", ...required.slice(2), "--namespace", "Flags"], /--namespace "Flags" is not a valid namespace name/],
    [[...required], /no command to run/],
    [["frobnicate", ...required], /unknown command "frobnicate"/],
    [["pre", "--to", "3", ...required], /--to does not apply to pre/],
    [["job", ...required], /"job" cannot run as a Job/],
    [["pre", ...required, "--timeout", "soon"], /--timeout must be a whole number of seconds, found "soon"/],
    [["pre", ...required, "--follow"], /Unknown option '--follow'/],
  ])("refuses %j with a usage error", async (args, message) => {
    const result = await runCliInProcess(["job", ...args], {});
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  describe("cluster errors (exit 8)", () => {
    async function kubeconfig(): Promise<string> {
      const file = path.join(await mkdtemp(path.join(tmpdir(), "kubeconfig-")), "config");
      await writeFile(
        file,
        [
          "apiVersion: v1",
          "kind: Config",
          "clusters: [{ name: closed, cluster: { server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true } }]",
          "users: [{ name: u, user: { token: t } }]",
          "contexts: [{ name: closed, context: { cluster: closed, user: u } }]",
          "current-context: closed",
        ].join("\n"),
      );
      return file;
    }

    it("a cluster that cannot be reached", async () => {
      const result = await runCliInProcess(["job", "pre", ...required, "--kubeconfig", await kubeconfig()], {});
      expect(result.stderr).toMatch(/creating Job migrator-flags-pre-[0-9a-f]{6}: cannot reach the cluster \(ECONNREFUSED\)/);
      expect(result.code).toBe(8);
    });

    it("an unknown context, listing the known ones", async () => {
      const result = await runCliInProcess(["job", "pre", ...required, "--kubeconfig", await kubeconfig(), "--context", "prod"], {});
      expect(result.stderr).toMatch(/no context "prod" in the kubeconfig\n {2}how to fix: use one of: closed/);
      expect(result.code).toBe(8);
    });

    it("an unreadable kubeconfig", async () => {
      const result = await runCliInProcess(["job", "pre", ...required, "--kubeconfig", "/nonexistent/config"], {});
      expect(result.stderr).toMatch(/cannot read the kubeconfig \/nonexistent\/config/);
      expect(result.code).toBe(8);
    });
  });
});
