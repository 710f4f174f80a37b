/**
 * The stand-in language host under the real Pulumi CLI: `pulumi preview`, `pulumi up`, stack outputs,
 * config and secrets, a failing program, the `tsconfig` runtime option with `main:` in a subfolder, and a
 * Node.js policy pack run through RunPlugin. The project uses no provider plugin (only component
 * resources), so nothing but the CLI and this host is needed.
 *
 * The CLI is the project's own build (tools/test-services/engine, instant when cached). State goes to a file backend in a temp
 * folder. Every CLI call's output is kept in <temp>/cli.log (kept, with its path printed, when a test
 * fails or ARMATURE_KEEP_E2E_DIR=1) and shown in the failing assertion.
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../../../repository-root";
import { installLanguageHost } from "./install";
import { ensureEngine } from "../../engine/ensure-engine";

const PROJECT = "lh-e2e";
const BOX_TYPE = "lhtest:index:Box";

let work: string;
let hostExecutable: string;
let env: NodeJS.ProcessEnv;
let pulumi: string;
let failed = false;

interface CliResult {
  code: number | null;
  output: string;
  /** The command and its output, for assertion messages. */
  transcript: string;
}

function cli(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(pulumi, [...args, "--non-interactive", "--color", "never"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      const transcript = `$ (cd ${cwd} && pulumi ${args.join(" ")})  -> exit ${code}\n${output}\n`;
      appendFileSync(path.join(work, "cli.log"), transcript);
      resolve({ code, output, transcript });
    });
  });
}

async function cliOk(args: string[], cwd: string): Promise<CliResult> {
  const result = await cli(args, cwd);
  expect(result.code, result.transcript).toBe(0);
  return result;
}

/** The program: components, config (one value secret), stack outputs, and Object.hasOwn (ES2022 lib). */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";

class Box extends pulumi.ComponentResource {
  public readonly size: pulumi.Output<number>;
  constructor(name: string, args: { size: number }, opts?: pulumi.ComponentResourceOptions) {
    super("${BOX_TYPE}", name, args, opts);
    this.size = pulumi.output(args.size);
    new Lid(\`\${name}-lid\`, { parent: this });
    this.registerOutputs({ size: this.size });
  }
}

class Lid extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("lhtest:index:Lid", name, {}, opts);
    this.registerOutputs({});
  }
}

const config = new pulumi.Config();
if (config.getBoolean("fail")) {
  throw new Error("the lh-e2e program failed on purpose");
}
const box = new Box("box", { size: config.getNumber("size") ?? 1 });

export const message = \`\${config.require("greeting")} from \${pulumi.getProject()}/\${pulumi.getStack()}\`;
export const token = config.requireSecret("token");
export const tokenLength = token.apply((value) => value.length);
export const boxUrn = box.urn;
export const boxSize = box.size;
export const hasOwnWorks = Object.hasOwn({ a: 1 }, "a");
`;

/** Only this tsconfig (named so that nothing finds it by default) brings in the ES2022 lib. */
const TSCONFIG = JSON.stringify({
  compilerOptions: { target: "ES2022", lib: ["ES2022"], module: "nodenext", moduleResolution: "nodenext", strict: true, skipLibCheck: true, types: [] },
});

function pulumiYaml(options: Record<string, unknown>): string {
  return `name: ${PROJECT}\nruntime:\n  name: nodejs\n  options: ${JSON.stringify(options)}\nmain: src/\n`;
}

function writeProject(dir: string, options: Record<string, unknown>): void {
  mkdirSync(path.join(dir, "src"), { recursive: true });
  writeFileSync(path.join(dir, "Pulumi.yaml"), pulumiYaml(options));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: PROJECT, private: true }));
  writeFileSync(path.join(dir, "tsconfig.pulumi.json"), TSCONFIG);
  writeFileSync(path.join(dir, "src", "index.ts"), PROGRAM);
  symlinkSync(path.join(REPOSITORY_ROOT, "node_modules"), path.join(dir, "node_modules"));
}

/** A policy pack: Boxes may be at most 2 big; the message names the stack the pack was told about. */
const POLICY_PACK = `import { PolicyPack } from "@pulumi/policy";

new PolicyPack("lh-e2e-policies", {
  policies: [
    {
      name: "box-size-limit",
      description: "Boxes are at most 2 big.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        if (args.type === "${BOX_TYPE}" && args.props["size"] > 2) {
          reportViolation(\`box size \${args.props["size"]} is over 2 (stack \${process.env["PULUMI_NODEJS_STACK"]})\`);
        }
      },
    },
  ],
});
`;

function writePolicyPack(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\nversion: 0.0.1\n");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "lh-e2e-policies", version: "0.0.1", main: "index.ts" }));
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: false, skipLibCheck: true, types: ["node"] } }),
  );
  writeFileSync(path.join(dir, "index.ts"), POLICY_PACK);
  symlinkSync(path.join(REPOSITORY_ROOT, "node_modules"), path.join(dir, "node_modules"));
}

beforeAll(async () => {
  pulumi = (await ensureEngine()).pulumi;
  work = mkdtempSync(path.join(tmpdir(), "language-host-e2e-"));
  hostExecutable = installLanguageHost(path.join(work, "bin"));
  const bin = hostExecutable;
  mkdirSync(path.join(work, "state"));
  env = {
    ...process.env,
    PATH: [path.dirname(bin), path.dirname(pulumi), process.env["PATH"]].join(path.delimiter),
    PULUMI_HOME: path.join(work, "home"),
    PULUMI_CONFIG_PASSPHRASE: "test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Nothing may be downloaded: the project needs no plugin, and the host is on the PATH.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  // The host must be found on the PATH, and no other backend used.
  delete env["PULUMI_IGNORE_AMBIENT_PLUGINS"];
  delete env["PULUMI_BACKEND_URL"];
  delete env["PULUMI_ACCESS_TOKEN"];
  writeProject(path.join(work, "project"), { typescript: true, tsconfig: "../tsconfig.pulumi.json" });
  await cliOk(["login", `file://${path.join(work, "state")}`], path.join(work, "project"));
}, 120_000);

afterAll(() => {
  if (failed || process.env["ARMATURE_KEEP_E2E_DIR"] === "1") {
    process.stderr.write(`language-host e2e: the CLI transcript and projects are kept in ${work} (cli.log)\n`);
  } else if (work) {
    rmSync(work, { recursive: true, force: true });
  }
});

function track<T>(test: () => Promise<T>): () => Promise<T> {
  return async () => {
    try {
      return await test();
    } catch (error) {
      failed = true;
      throw error;
    }
  };
}

describe("the stand-in language host under the real Pulumi CLI", () => {
  const project = () => path.join(work, "project");

  it(
    "previews, deploys and destroys a TypeScript program with main in a subfolder, with config, secrets and outputs",
    track(async () => {
      await cliOk(["stack", "init", "dev"], project());
      await cliOk(["config", "set", "greeting", "hello"], project());
      await cliOk(["config", "set", "--secret", "token", "s3cr3t-value"], project());

      const preview = await cliOk(["preview"], project());
      // The CLI says which host it took (it warns because the host is not the one beside the pulumi binary).
      expect(preview.output, preview.transcript).toContain(`using pulumi-language-nodejs from $PATH at ${hostExecutable}`);
      expect(preview.output, preview.transcript).toContain(BOX_TYPE);
      expect(preview.output, preview.transcript).toMatch(/3 to create/);

      const up = await cliOk(["up", "--yes", "--skip-preview"], project());
      expect(up.output, up.transcript).toMatch(/3 created/);

      const shown = await cliOk(["stack", "output", "--json", "--show-secrets"], project());
      expect(JSON.parse(shown.output), shown.transcript).toEqual({
        message: `hello from ${PROJECT}/dev`,
        token: "s3cr3t-value",
        tokenLength: 12,
        boxUrn: `urn:pulumi:dev::${PROJECT}::${BOX_TYPE}::box`,
        boxSize: 1,
        hasOwnWorks: true,
      });
      // The secret config key reached the program as secret: its outputs stay secret.
      const hidden = await cliOk(["stack", "output", "--json"], project());
      expect(JSON.parse(hidden.output), hidden.transcript).toMatchObject({ token: "[secret]", tokenLength: "[secret]" });

      const again = await cliOk(["preview", "--expect-no-changes"], project());
      expect(again.output, again.transcript).toMatch(/3 unchanged/);

      const destroy = await cliOk(["destroy", "--yes", "--skip-preview"], project());
      expect(destroy.output, destroy.transcript).toMatch(/3 deleted/);
    }),
  );

  it(
    "fails `pulumi up` with the program's error when the program throws",
    track(async () => {
      await cliOk(["stack", "init", "broken"], project());
      await cliOk(["config", "set", "greeting", "hello"], project());
      await cliOk(["config", "set", "--secret", "token", "x"], project());
      await cliOk(["config", "set", "fail", "true"], project());
      const up = await cli(["up", "--yes", "--skip-preview"], project());
      expect(up.code, up.transcript).not.toBe(0);
      expect(up.output, up.transcript).toContain("the lh-e2e program failed on purpose");
    }),
  );

  it(
    "honours the tsconfig option: without it the program does not typecheck (Object.hasOwn needs lib ES2022)",
    track(async () => {
      const plain = path.join(work, "project-without-tsconfig");
      writeProject(plain, { typescript: true });
      await cliOk(["stack", "init", "no-tsconfig"], plain);
      await cliOk(["config", "set", "greeting", "hello"], plain);
      await cliOk(["config", "set", "--secret", "token", "x"], plain);
      const preview = await cli(["preview"], plain);
      expect(preview.code, preview.transcript).not.toBe(0);
      expect(preview.output, preview.transcript).toMatch(/Property 'hasOwn' does not exist/);
    }),
  );

  it(
    "runs a Node.js policy pack through RunPlugin: compliant passes, a mandatory violation fails the preview",
    track(async () => {
      const policies = path.join(work, "policies");
      writePolicyPack(policies);
      await cliOk(["stack", "init", "policed"], project());
      await cliOk(["config", "set", "greeting", "hello"], project());
      await cliOk(["config", "set", "--secret", "token", "x"], project());

      const compliant = await cliOk(["preview", "--policy-pack", policies], project());
      expect(compliant.output, compliant.transcript).toContain("lh-e2e-policies");

      await cliOk(["config", "set", "size", "3"], project());
      const violating = await cli(["preview", "--policy-pack", policies], project());
      expect(violating.code, violating.transcript).not.toBe(0);
      expect(violating.output, violating.transcript).toContain("box-size-limit");
      expect(violating.output, violating.transcript).toContain("box size 3 is over 2 (stack policed)");
    }),
  );
});
