import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createService } from "../index";
import { discardLogs } from "../testing/log-capture";

const start = (env: Record<string, string>) => createService({ name: "rules", env: { PORT: "0", ...env }, setup: () => undefined, logDestination: discardLogs() });

describe("where the rules come from", () => {
  it("refuses a bad document at start, naming the variable, the problem and what is expected", async () => {
    await expect(start({ AUTHORISATION_RULES: '{"admins": "alice"}' })).rejects.toThrow(
      /AUTHORISATION_RULES: found a document that is refused \(admins: .*\); expected a JSON authorisation rules document \(apps\/kit\/README\.md, Authorisation\)/,
    );
    await expect(start({ AUTHORISATION_RULES: JSON.stringify({ policies: "permit (principal, action, resource) when { resource.nope };" }) })).rejects.toThrow(/AUTHORISATION_RULES: found a document that is refused \(policies: /);
    await expect(start({ AUTHORISATION_RULES_FILE: "/nonexistent/rules.json" })).rejects.toThrow(/AUTHORISATION_RULES_FILE: found \/nonexistent\/rules\.json \(ENOENT/);
    await expect(start({ AUTHORISATION_RULES: "{}", AUTHORISATION_RULES_FILE: "/etc/rules.json" })).rejects.toThrow(/AUTHORISATION_RULES: found a value, and AUTHORISATION_RULES_FILE too; expected one of/);
    await expect(start({ AUTHORISATION_RULES_FILE: "rules.json" })).rejects.toThrow(/AUTHORISATION_RULES_FILE: found "rules\.json"; expected an absolute path/);
  });

  it("with neither set, decides with the shipped rules: no admins, so an asserted person changes nothing", async () => {
    const service = await createService({
      name: "rules",
      env: { PORT: "0" },
      logDestination: discardLogs(),
      setup: (kit) => void kit.app.put("/things/:id", () => ({ ok: true })),
    });
    const asAlice = { "x-armature-context": Buffer.from(JSON.stringify({ actor: { id: "alice", type: "user" } })).toString("base64url") };
    expect((await service.app.inject({ method: "PUT", url: "/things/a", headers: asAlice })).statusCode).toBe(403);
    await service.shutdown();
  });

  it("takes a new file on reload, and keeps the last good rules when the new one is refused", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rules-")), "rules.json");
    writeFileSync(file, JSON.stringify({ admins: ["alice"] }));
    const service = await createService({ name: "rules", env: { PORT: "0", AUTHORISATION_RULES_FILE: file }, logDestination: discardLogs(), setup: (kit) => void kit.app.put("/things/:id", () => ({ ok: true })) });
    const asAlice = { "x-armature-context": Buffer.from(JSON.stringify({ actor: { id: "alice", type: "user" } })).toString("base64url") };
    const put = async () => (await service.app.inject({ method: "PUT", url: "/things/a", headers: asAlice })).statusCode;
    expect(await put()).toBe(200);
    writeFileSync(file, "{ not json");
    expect(await service.authorisation.reload()).toBe(false);
    expect(await put()).toBe(200);
    writeFileSync(file, JSON.stringify({ admins: [] }));
    expect(await service.authorisation.reload()).toBe(true);
    expect(await put()).toBe(403);
    await service.shutdown();
  });
});
