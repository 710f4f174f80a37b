import path from "node:path";

/** The repository's root folder (where Pulumi.yaml lives), wherever a tool is started from. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..");
