/**
 * What every real-engine test of the dev stack starts with: the engine binaries, two local clusters
 * standing in for the program's GKE clusters, a workspace for the CLI, and a fresh test stack.
 */
import { REPOSITORY_ROOT } from "../repository-root";
import { type ControlPlane, startControlPlane } from "../test-services/control-plane/start-control-plane";
import { type EngineBinaries, ensureEngine } from "../test-services/engine/ensure-engine";
import { type EngineWorkspace, createEngineWorkspace } from "./engine-workspace";
import { TEST_STACK, type TestStack, initTestStack } from "./test-stack";

/** The program's two GKE clusters, each answered by a local API server of the same name. */
export const CLUSTERS = { services: "services", workers: "workers" } as const;
export const DEV_POLICY_PACK = ["--policy-pack", "policies", "--policy-pack-config", "policies/enforcement/dev.json"] as const;

export interface DevStackLane {
  readonly binaries: EngineBinaries;
  readonly controlPlane: ControlPlane;
  readonly workspace: EngineWorkspace;
  readonly stack: TestStack;
  /** Stops the clusters and removes the workspace (kept with ARMATURE_E2E_KEEP=1); the stack is the caller's to remove first. */
  close(): Promise<void>;
}

/** `projectDir`: the program to run (default this checkout; upgrade-check.ts passes an older revision's tree). */
export async function startDevStackLane(stackName: string = TEST_STACK, projectDir: string = REPOSITORY_ROOT): Promise<DevStackLane> {
  const binaries = await ensureEngine();
  const controlPlane = await startControlPlane({ clusters: Object.values(CLUSTERS), binaries });
  let workspace: EngineWorkspace | undefined;
  const close = async () => {
    await controlPlane.stop();
    if (!workspace) return;
    console.log(`e2e log: ${workspace.logFile}`);
    if (process.env["ARMATURE_E2E_KEEP"] !== "1") workspace.dispose();
  };
  try {
    workspace = createEngineWorkspace({
      binaries,
      controlPlane,
      projectDir,
      gkeClusters: { "-services": CLUSTERS.services, "-workers": CLUSTERS.workers },
    });
    const stack = await initTestStack(workspace.pulumi, projectDir, stackName);
    return { binaries, controlPlane, workspace, stack, close };
  } catch (error) {
    await close();
    throw error;
  }
}
