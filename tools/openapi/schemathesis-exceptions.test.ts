/** The exceptions file parses, every entry has its reason, and an exception covers exactly the findings it names. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classify, loadExceptions } from "./schemathesis-exceptions";
import type { Finding } from "./schemathesis-report";

const finding = (overrides: Partial<Finding>): Finding => ({
  operation: "PUT /v1/flags/{key}",
  check: "positive_data_acceptance",
  title: "Schema-valid request rejected",
  message: "",
  status: 400,
  problemCode: "unknown_segment",
  caseId: "c1",
  phase: "fuzzing",
  ...overrides,
});

describe("schemathesis exceptions", () => {
  it("loads the repository's list, each entry with a reason", () => {
    const exceptions = loadExceptions();
    expect(exceptions.length).toBeGreaterThan(0);
    for (const exception of exceptions) expect(exception.reason.length).toBeGreaterThanOrEqual(40);
  });

  it("covers a finding only when app, operation, check, status and problem code all match", () => {
    const exceptions = loadExceptions();
    const { accepted, unexpected } = classify("flags", [
      finding({}),
      finding({ problemCode: "invalid_body" }),
      finding({ status: 500, problemCode: "internal_error", check: "not_a_server_error" }),
      finding({ operation: "PUT /v1/segments/{key}" }),
    ], exceptions);
    expect(accepted.map((item) => item.problemCode)).toEqual(["unknown_segment"]);
    expect(unexpected).toHaveLength(3);
    expect(classify("discovery", [finding({})], exceptions).unexpected).toHaveLength(1);
  });

  it("refuses a file whose entry has no reason or names an unknown check, saying where", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "armature-exceptions-")), "exceptions.json");
    writeFileSync(file, JSON.stringify({ exceptions: [{ app: "flags", operation: "PUT /v1/flags/{key}", check: "positive_data_acceptance", reason: "because" }] }));
    expect(() => loadExceptions(file)).toThrow(/exceptions\.0\.reason: say why/);
    writeFileSync(file, JSON.stringify({ exceptions: [{ app: "flags", operation: "*", check: "everything", reason: "x".repeat(50) }] }));
    expect(() => loadExceptions(file)).toThrow(/exceptions\.0\.check/);
  });
});
