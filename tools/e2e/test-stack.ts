/**
 * The e2e lane's stack: a copy of Pulumi.dev.yaml under its own stack name (so `pulumi stack init`,
 * which writes the encryption salt into the file, never touches the checked-in dev stack), plus the
 * settings a control plane without nodes or chart repository needs. All are documented keys:
 * `armature:kubernetes.awaitReadiness` and `armature:charts.<name>.path` (README, Config reference).
 */
import { copyFileSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import type { PulumiSession } from "./pulumi-session";

export const TEST_STACK = "e2e";
/** The stand-in charts of tools/e2e/charts, one per chart the program installs. */
export const TEST_CHARTS = { vault: "tools/e2e/charts/vault", keda: "tools/e2e/charts/keda" } as const;

export interface TestStack {
  readonly name: string;
  /** Changes one `armature:` key, by path (e.g. "apps.activeColour"). */
  set(keyPath: string, value: string): Promise<void>;
  /** Removes the stack from the backend and its config file from the checkout. */
  remove(): Promise<void>;
}

export async function initTestStack(pulumi: PulumiSession, projectDir: string, name = TEST_STACK): Promise<TestStack> {
  const stackFile = path.join(projectDir, `Pulumi.${name}.yaml`);
  copyFileSync(path.join(projectDir, "Pulumi.dev.yaml"), stackFile);
  await pulumi.run(["stack", "init", name, "--secrets-provider", "passphrase"]);
  const set = async (keyPath: string, value: string) => {
    await pulumi.run(["config", "set", "--path", `armature:${keyPath}`, value, "--stack", name]);
  };
  await set("kubernetes.awaitReadiness", "false");
  for (const [chart, folder] of Object.entries(TEST_CHARTS)) await set(`charts.${chart}.path`, folder);
  return {
    name,
    set,
    async remove() {
      await pulumi.run(["stack", "rm", name, "--yes", "--force"], { allowFailure: true });
      if (existsSync(stackFile)) rmSync(stackFile);
    },
  };
}
