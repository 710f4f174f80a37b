/** Where `--database <name>` points: migrations/<name> in the repository, or under MIGRATIONS_ROOT (the image). */
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { migrationsRoot, resolveDirectory } from "./locate";

describe("resolveDirectory", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("maps a database name to the repository's migrations/<name>", () => {
    expect(migrationsRoot()).toBe(path.resolve(__dirname, "../../../migrations"));
    expect(resolveDirectory({ database: "flags" })).toBe(path.resolve(__dirname, "../../../migrations/flags"));
  });

  it("uses MIGRATIONS_ROOT when set, as in the image", () => {
    vi.stubEnv("MIGRATIONS_ROOT", "/app/migrations");
    expect(resolveDirectory({ database: "worker" })).toBe("/app/migrations/worker");
  });

  it("refuses names that are not folder names, and both or neither choice", () => {
    expect(() => resolveDirectory({ database: "../etc" })).toThrow(/"..\/etc" is not a database name/);
    expect(() => resolveDirectory({ database: "flags", directory: "x" })).toThrow(/either a database name or a migrations folder/);
    expect(() => resolveDirectory({})).toThrow(/no database given/);
  });
});
