/**
 * Reading a PEM file of CA certificates (a private CA a server's certificate chains to: Memorystore's
 * for Redis, Cloud SQL's for Postgres), with the reason in words when it cannot be used.
 */
import { readFileSync } from "node:fs";

/** The CA certificates in `file`, or why it is not a usable CA file. */
export function readCaFile(file: string): { readonly ca: string } | { readonly problem: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { problem: `cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  return text.includes("-----BEGIN CERTIFICATE-----") ? { ca: text } : { problem: "it holds no PEM certificate" };
}

/** Why `file` is not a usable CA file, or undefined when it is. */
export function caFileProblem(file: string): string | undefined {
  const read = readCaFile(file);
  return "problem" in read ? read.problem : undefined;
}
