import { describe, expect, it } from "vitest";
import { programConfigJson } from "./program-config";
import { nodeRunArguments, outcomeOf, type ProgramRun } from "./run-program";
import { parseRuntimeOptions, typeScriptEnvironment } from "./runtime-options";
import { splitShellWords } from "./shell-words";

describe("runtime options", () => {
  it("defaults to TypeScript on, no tsconfig, no node arguments, package manager auto", () => {
    const options = parseRuntimeOptions({});
    expect(options).toEqual({ typescript: true, tsconfig: "", nodeargs: "", packagemanager: "auto" });
    expect(typeScriptEnvironment(options)).toEqual({ PULUMI_NODEJS_TYPESCRIPT: "true" });
  });

  it("passes tsconfig to the SDK and leaves TypeScript off when asked", () => {
    expect(typeScriptEnvironment(parseRuntimeOptions({ typescript: false, tsconfig: "../tsconfig.json" }))).toEqual({
      PULUMI_NODEJS_TSCONFIG_PATH: "../tsconfig.json",
    });
  });

  it("rejects options of the wrong type with upstream's messages", () => {
    expect(() => parseRuntimeOptions({ typescript: "yes" })).toThrow("typescript option must be a boolean");
    expect(() => parseRuntimeOptions({ tsconfig: 1 })).toThrow("tsconfigpath option must be a string");
    expect(() => parseRuntimeOptions({ packagemanager: "cargo" })).toThrow('must be one of auto, npm, yarn, pnpm or bun, got "cargo"');
  });

  it("splits nodeargs like a shell", () => {
    expect(splitShellWords(`--max-old-space-size=4096  --require "./a b.js" 'c d' e\\ f`)).toEqual([
      "--max-old-space-size=4096",
      "--require",
      "./a b.js",
      "c d",
      "e f",
    ]);
    expect(splitShellWords("")).toEqual([]);
    expect(() => splitShellWords(`--require "x`)).toThrow("unclosed");
  });
});

describe("the program's command line and configuration", () => {
  const run: ProgramRun = {
    engineAddress: "127.0.0.1:1001",
    tracing: "",
    monitorAddress: "127.0.0.1:1002",
    organization: "organization",
    project: "demo",
    stack: "dev",
    rootDirectory: "/p",
    programDirectory: "/p/src",
    entryPoint: ".",
    dryRun: true,
    parallel: 16,
    args: ["extra"],
    config: [],
    configSecretKeys: [],
    options: {},
    attachDebugger: false,
  };

  it("gives cmd/run every flag it reads, the entry point last before the program's own arguments", () => {
    expect(nodeRunArguments(run, "/sdk/cmd/run/index.js")).toEqual([
      "/sdk/cmd/run/index.js",
      "--monitor", "127.0.0.1:1002",
      "--engine", "127.0.0.1:1001",
      "--organization", "organization",
      "--project", "demo",
      "--root-directory", "/p",
      "--stack", "dev",
      "--pwd", "/p/src",
      "--dry-run",
      "--parallel", "16",
      ".",
      "extra",
    ]);
    expect(nodeRunArguments({ ...run, dryRun: false, organization: "" }, "run")).not.toContain("--dry-run");
  });

  it("writes config keys in the namespace:config:name form the SDK reads", () => {
    expect(JSON.parse(programConfigJson([["demo:greeting", "hi"], ["aws:config:region", "x"]]))).toEqual({
      "demo:config:greeting": "hi",
      "aws:config:region": "x",
    });
    expect(() => programConfigJson([["nonamespace", "x"]])).toThrow("could not parse nonamespace as a configuration key");
  });

  it("maps the program's exit to the answer upstream gives", () => {
    expect(outcomeOf(0, null)).toEqual({ error: "", bail: false });
    // 32: the SDK already showed the user the error.
    expect(outcomeOf(32, null)).toEqual({ error: "", bail: true });
    expect(outcomeOf(1, null)).toEqual({ error: "Program exited with non-zero exit code: 1", bail: false });
    expect(outcomeOf(null, "SIGKILL").error).toBe("Program exited with non-zero exit code: -1 (SIGKILL)");
  });
});
