/**
 * The stand-ins' one entry point (bundled by install.ts): `main <package>` serves the stand-in
 * resource provider for that package (gcp, kafka, random, tls, vault) as `pulumi-resource-<package>`;
 * `main gke-gcloud-auth-plugin` prints an ExecCredential. Arguments after the first (the engine's
 * address, --logtostderr, -v=N, --tracing) are accepted and ignored.
 */
import { AUTH_PLUGIN_NAME } from "./auth-plugin-name";
import { execCredential } from "./gke-auth-plugin";
import { BEHAVIOURS } from "./packages";
import { StandInProvider } from "./provider-core";
import { serveProvider } from "./server";
import { PACKAGE_VERSIONS } from "./versions";

async function main(which: string | undefined): Promise<void> {
  if (which === AUTH_PLUGIN_NAME) {
    process.stdout.write(`${execCredential()}\n`);
    return;
  }
  const behaviour = which ? BEHAVIOURS[which] : undefined;
  if (!behaviour) throw new Error(`usage: main <${[...Object.keys(BEHAVIOURS), AUTH_PLUGIN_NAME].join("|")}> [engine address and flags]`);
  const server = await serveProvider(new StandInProvider(behaviour), PACKAGE_VERSIONS[behaviour.name] ?? "0.0.0");
  // The engine ends a plugin with a signal when it is done with it.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => server.forceShutdown());
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
