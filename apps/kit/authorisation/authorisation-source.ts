/**
 * Where the rules come from: AUTHORISATION_RULES (the JSON document inline) or
 * AUTHORISATION_RULES_FILE (a mounted ConfigMap, re-read every AUTHORISATION_RELOAD_MS as the kubelet
 * updates it), else the shipped rules alone. A bad document stops the app at start; a bad update is
 * refused with an error in the log and the last good rules stay in force.
 */
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { ConfigError } from "../config";
import { CompiledRules } from "./authoriser";
import { SHIPPED_RULES, parseAuthorisationRules } from "./rules";

export interface AuthorisationConfig {
  readonly AUTHORISATION_RULES?: string;
  readonly AUTHORISATION_RULES_FILE?: string;
  readonly AUTHORISATION_RELOAD_MS: number;
}

export interface AuthorisationSource {
  /** The rules in force now: a decision takes them once and keeps them. */
  current(): CompiledRules;
  /** Re-reads AUTHORISATION_RULES_FILE now; false (logged) when the new document is refused. */
  reload(): Promise<boolean>;
  close(): void;
}

const EXPECTED = "a JSON authorisation rules document (apps/kit/README.md, Authorisation)";

export function authorisationSource(config: AuthorisationConfig, logger: Logger): AuthorisationSource {
  if (config.AUTHORISATION_RULES !== undefined && config.AUTHORISATION_RULES_FILE !== undefined) {
    throw new ConfigError([{ variable: "AUTHORISATION_RULES", found: "a value, and AUTHORISATION_RULES_FILE too", expected: "one of AUTHORISATION_RULES or AUTHORISATION_RULES_FILE (unset the other)" }]);
  }
  const variable = config.AUTHORISATION_RULES_FILE !== undefined ? "AUTHORISATION_RULES_FILE" : "AUTHORISATION_RULES";
  const compile = (text: string) => new CompiledRules(parseAuthorisationRules(text));
  const file = config.AUTHORISATION_RULES_FILE;
  // The file's text as compiled: a reload that reads the same text keeps these rules.
  let lastText: string | undefined;
  let rules: CompiledRules;
  try {
    if (file !== undefined) rules = compile((lastText = readFileSync(file, "utf8")));
    else rules = config.AUTHORISATION_RULES !== undefined ? compile(config.AUTHORISATION_RULES) : new CompiledRules(SHIPPED_RULES);
  } catch (error) {
    const why = (error as Error).message;
    const found = variable === "AUTHORISATION_RULES_FILE" ? `${config.AUTHORISATION_RULES_FILE} (${why})` : `a document that is refused (${why})`;
    throw new ConfigError([{ variable, found, expected: EXPECTED }]);
  }
  if (config.AUTHORISATION_RULES === undefined && config.AUTHORISATION_RULES_FILE === undefined) {
    logger.info("authorisation: the shipped rules only (AUTHORISATION_RULES and AUTHORISATION_RULES_FILE unset): no admins, no grants");
  }

  const reload = async (): Promise<boolean> => {
    if (file === undefined) return true;
    try {
      const text = await readFile(file, "utf8");
      if (text === lastText) return true;
      rules = compile(text);
      lastText = text;
      logger.info({ file }, "authorisation: new rules in force for invocations that start from now on");
      return true;
    } catch (error) {
      logger.error({ file, reason: error instanceof Error ? error.message : String(error) }, "authorisation: the updated rules are refused; the last good rules stay in force");
      return false;
    }
  };
  const timer = file === undefined ? undefined : setInterval(() => void reload(), config.AUTHORISATION_RELOAD_MS);
  timer?.unref();
  return { current: () => rules, reload, close: () => clearInterval(timer) };
}
