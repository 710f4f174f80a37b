/** Every stand-in provider, by package name. */
import type { PackageBehaviour } from "../package-behaviour";
import { gcpBehaviour } from "./gcp";
import { kafkaBehaviour } from "./kafka";
import { randomBehaviour } from "./random";
import { tlsBehaviour } from "./tls";
import { vaultBehaviour } from "./vault";

export const BEHAVIOURS: Readonly<Record<string, PackageBehaviour>> = {
  gcp: gcpBehaviour,
  kafka: kafkaBehaviour,
  random: randomBehaviour,
  tls: tlsBehaviour,
  vault: vaultBehaviour,
};
