/**
 * The real-engine lane for the ops tools (`npm run ephemeral`, `npm run drift`): the engine binaries,
 * the two local clusters and a CLI workspace, like the dev-stack lane, but without a test stack: the
 * tools under test create and remove their own stacks, through the `pulumi` on the lane's PATH.
 */
import { REPOSITORY_ROOT } from "../repository-root";
import { startControlPlane } from "../test-services/control-plane/start-control-plane";
import { ensureEngine } from "../test-services/engine/ensure-engine";
import { CLUSTERS } from "./dev-stack-lane";
import { createEngineWorkspace } from "./engine-workspace";
import { Kubectl } from "./kubectl";
import type { DevStackLane } from "./dev-stack-lane";

export type OpsLane = Omit<DevStackLane, "stack"> & {
  /** The environment a tool needs to drive the lane's CLI: PATH (with `pulumi`), PULUMI_HOME, the backend, the passphrase. */
  readonly env: NodeJS.ProcessEnv;
  readonly kube: Record<keyof typeof CLUSTERS, Kubectl>;
};

export async function startOpsLane(): Promise<OpsLane> {
  const binaries = await ensureEngine();
  const controlPlane = await startControlPlane({ clusters: Object.values(CLUSTERS), binaries });
  try {
    const workspace = createEngineWorkspace({
      binaries,
      controlPlane,
      projectDir: REPOSITORY_ROOT,
      gkeClusters: { "-services": CLUSTERS.services, "-workers": CLUSTERS.workers },
    });
    const kubectlFor = (name: string) => new Kubectl(binaries.kubectl, controlPlane.clusters[name]!.kubeconfigPath, workspace.logFile);
    return {
      binaries,
      controlPlane,
      workspace,
      env: workspace.pulumi.options.env,
      kube: { services: kubectlFor(CLUSTERS.services), workers: kubectlFor(CLUSTERS.workers) },
      async close() {
        await controlPlane.stop();
        console.log(`e2e log: ${workspace.logFile}`);
        if (process.env["ARMATURE_E2E_KEEP"] !== "1") workspace.dispose();
      },
    };
  } catch (error) {
    await controlPlane.stop();
    throw error;
  }
}
