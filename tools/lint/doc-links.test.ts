/**
 * The repository is self-contained: no file cites a design document that is not in it, every
 * relative link in a Markdown file resolves to a file inside the repository, and every
 * `docs/architecture.md#<anchor>` cited anywhere (READMEs, code comments, policy sources) names a
 * heading or an explicit anchor that exists on that page.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const SKIPPED = new Set(["node_modules", ".git", "dist", "coverage"]);
const TEXT = /\.(md|ts|mts|mjs|json|ya?ml|sql|Dockerfile)$|Dockerfile$/;
/** The name of the outside design document this repository once cited, split so this file does not cite it. */
const OUTSIDE_DOCUMENT = ["ARCHITECTURE", "md"].join(".");

function textFiles(folder = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...textFiles(full));
    else if (TEXT.test(entry.name)) files.push(full);
  }
  return files;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const headings = [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1]!));
  const explicit = [...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((match) => match[1]!);
  return new Set([...headings, ...explicit]);
}

const files = textFiles();
const relative = (file: string) => path.relative(ROOT, file);
const markdown = files.filter((file) => file.endsWith(".md"));

describe("self-contained documentation", () => {
  it("finds the repository's files", () => {
    expect(markdown.map(relative)).toContain("docs/architecture.md");
    expect(files.length).toBeGreaterThan(100);
  });

  it(`no file cites ${OUTSIDE_DOCUMENT}, a document outside the repository`, () => {
    expect(files.filter((file) => readFileSync(file, "utf8").includes(OUTSIDE_DOCUMENT)).map(relative)).toEqual([]);
  });

  it("every relative Markdown link resolves to a file inside the repository", () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(file, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const resolved = path.resolve(path.dirname(file), decodeURI(target!.split("#")[0]!));
        if (!resolved.startsWith(ROOT + path.sep) || !existsSync(resolved)) broken.push(`${relative(file)}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every docs/architecture.md#<anchor> cited anywhere exists on the page", () => {
    const anchors = anchorsOf(readFileSync(path.join(ROOT, "docs", "architecture.md"), "utf8"));
    const missing: string[] = [];
    for (const file of files) {
      for (const [, anchor] of readFileSync(file, "utf8").matchAll(/docs\/architecture\.md#([a-z0-9_-]+)/g)) {
        if (!anchors.has(anchor!)) missing.push(`${relative(file)}: #${anchor}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
