/**
 * What a flag and a segment look like: the documents the API accepts and returns, the service
 * stores, and SDKs evaluate. Targeting (constraints, rollout stickiness, variants) follows Unleash's
 * client model, so teams coming from Unleash keep their users in the same buckets; see README.md.
 * These schemas check shape; cross-references (segments, dependencies, weights) are checked in
 * definition-problems.ts, against the other flags and segments.
 */
import { z } from "zod";
import { LIFECYCLE_STAGES } from "./lifecycle";

const KEY_RULE = "1-59 characters: letters, digits and . _ -, starting with a letter or digit";
/** Flag keys stay short enough for a per-invocation toggle named `flag:<key>` (toggle names: at most 64). */
export const flagKeySchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,58}$/, KEY_RULE);
export const segmentKeySchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,58}$/, KEY_RULE);
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const ENVIRONMENT_RULE = "an environment name: 1-32 lowercase letters, digits and -, starting with a letter";
export const environmentNameSchema = z.string().regex(ENVIRONMENT_NAME, ENVIRONMENT_RULE);
/** A context attribute: userId, organisationId, sessionId, remoteAddress, currentTime, appName, environment, or any property. */
export const contextNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, "a context attribute name: 1-64 letters, digits and _ . -, starting with a letter or _")
  .refine((name) => name !== "properties", "properties is the bag of custom attributes: name one of them instead")
  .meta({ not: { const: "properties" } });
const variantNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1-64 characters: letters, digits and . _ -, starting with a letter or digit");
/** "default" (userId, else sessionId, else random), "random", or any context attribute. */
export const stickinessSchema = contextNameSchema.describe('"default" (userId, then sessionId, then random), "random", or a context attribute such as organisationId');

export const OPERATORS = [
  "IN",
  "NOT_IN",
  "STR_STARTS_WITH",
  "STR_ENDS_WITH",
  "STR_CONTAINS",
  "NUM_EQ",
  "NUM_GT",
  "NUM_GTE",
  "NUM_LT",
  "NUM_LTE",
  "DATE_AFTER",
  "DATE_BEFORE",
  "SEMVER_EQ",
  "SEMVER_GT",
  "SEMVER_GTE",
  "SEMVER_LT",
  "SEMVER_LTE",
  "REGEX",
  "IN_CIDR",
] as const;
export type Operator = (typeof OPERATORS)[number];
/** Operators that compare against a list (`values`); the others take one `value`. */
export const LIST_OPERATORS: ReadonlySet<Operator> = new Set(["IN", "NOT_IN", "STR_STARTS_WITH", "STR_ENDS_WITH", "STR_CONTAINS", "IN_CIDR"]);

const CASE_INSENSITIVE_OPERATORS: readonly Operator[] = ["STR_STARTS_WITH", "STR_ENDS_WITH", "STR_CONTAINS", "REGEX"];

/**
 * The `value` NUM_*, DATE_* and SEMVER_* compare against, as the API accepts it (definition-problems.ts
 * checks these, and the OpenAPI document states them): a decimal number (bounded, so always finite),
 * an RFC 3339 date-time, a semantic version (semver.org's grammar, numbers below 2^53, no leading v).
 */
export const NUMBER_VALUE = /^-?(0|[1-9]\d{0,99})(\.\d{1,100})?([eE][+-]?\d{1,2})?$/;
export const DATE_TIME_VALUE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const SEMVER_NUMBER = "(0|[1-9]\\d{0,14})";
const SEMVER_IDENTIFIER = `(${SEMVER_NUMBER}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
export const SEMVER_VALUE = new RegExp(`^${SEMVER_NUMBER}\\.${SEMVER_NUMBER}\\.${SEMVER_NUMBER}(-${SEMVER_IDENTIFIER}(\\.${SEMVER_IDENTIFIER})*)?(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?$`);
const operatorsStarting = (prefix: string) => OPERATORS.filter((operator) => operator.startsWith(prefix));
const valueRule = (operators: readonly Operator[], pattern: RegExp) => ({ if: { properties: { operator: { enum: operators } } }, then: { properties: { value: { pattern: pattern.source } } } });

/**
 * What definition-problems.ts checks across a constraint's fields, in JSON Schema for the OpenAPI
 * document (zod refinements have none): a list operator takes at least one `values` entry and no
 * `value`, the others one `value` and no `values`; caseInsensitive only with STR_* and REGEX.
 */
const constraintRules = {
  oneOf: [
    { properties: { operator: { enum: [...LIST_OPERATORS] }, values: { minItems: 1 } }, required: ["values"], not: { required: ["value"] } },
    { properties: { operator: { enum: OPERATORS.filter((operator) => !LIST_OPERATORS.has(operator)) } }, required: ["value"], not: { required: ["values"] } },
  ],
  allOf: [
    { if: { properties: { caseInsensitive: { const: true } }, required: ["caseInsensitive"] }, then: { properties: { operator: { enum: CASE_INSENSITIVE_OPERATORS } } } },
    valueRule(operatorsStarting("NUM_"), NUMBER_VALUE),
    valueRule(operatorsStarting("DATE_"), DATE_TIME_VALUE),
    valueRule(operatorsStarting("SEMVER_"), SEMVER_VALUE),
  ],
};

export const constraintSchema = z
  .strictObject({
    contextName: contextNameSchema,
    operator: z.enum(OPERATORS),
    values: z.array(z.string().max(256)).max(1000).optional().describe("For IN, NOT_IN, STR_*, IN_CIDR: at least one."),
    value: z.string().max(256).optional().describe("For NUM_* (a decimal number), DATE_* (an RFC 3339 date-time), SEMVER_* (a semantic version), REGEX (an RE2 expression)."),
    inverted: z.boolean().optional(),
    caseInsensitive: z.boolean().optional().describe("STR_* and REGEX only."),
  })
  // A named component of the OpenAPI document (referenced, not repeated), with its cross-field rules.
  .meta({ id: "Constraint", ...constraintRules });
export type Constraint = z.infer<typeof constraintSchema>;

export const variantSchema = z
  .strictObject({
    name: variantNameSchema,
    weight: z.number().int().min(0).max(1000).describe("Per mille: the weights of one list add up to 1000 (500 + 500 is a 50/50 split)."),
    stickiness: stickinessSchema.optional().describe("What keeps a subject on its variant; every variant of a list has the same (default: \"default\")."),
    payload: z.strictObject({ type: z.enum(["string", "json", "csv", "number"]), value: z.string().max(16_384) }).optional(),
    overrides: z
      .array(z.strictObject({ contextName: contextNameSchema, values: z.array(z.string().max(256)).min(1).max(1000) }))
      .max(20)
      .optional()
      .describe("Subjects always given this variant (e.g. the test team)."),
  })
  .meta({ id: "Variant" });
export type Variant = z.infer<typeof variantSchema>;

const matcherShape = {
  name: z.string().max(100).optional().describe("A label for people, e.g. \"beta testers\"."),
  constraints: z.array(constraintSchema).max(50).default([]).describe("All must hold."),
  segments: z.array(segmentKeySchema).max(20).default([]).describe("Keys of segments whose constraints must all hold too."),
};

export const rolloutSchema = z.strictObject({
  percentage: z.number().int().min(0).max(100),
  stickiness: stickinessSchema.default("default").describe('userId ("default"), organisationId, or any attribute: who stays in once in'),
  groupId: z.string().min(1).max(100).optional().describe("Hash group (default: the flag key). Flags sharing one roll out to the same subjects."),
});
export type Rollout = z.infer<typeof rolloutSchema>;

export const ruleSchema = z.strictObject({
  ...matcherShape,
  rollout: rolloutSchema.optional().describe("Absent: every subject the constraints and segments match."),
  variants: z.array(variantSchema).max(20).optional().describe("Variants for subjects this rule turns on (else the environment's)."),
});
export type Rule = z.infer<typeof ruleSchema>;

export const optOutSchema = z.strictObject(matcherShape);
export type OptOut = z.infer<typeof optOutSchema>;

export const environmentSchema = z.strictObject({
  enabled: z.boolean().describe("false: off for everyone in this environment (reason DISABLED)."),
  rules: z.array(ruleSchema).max(50).default([]).describe("Who gets the flag on, first match wins (targeting, segments, percentage rollout)."),
  optOut: z.array(optOutSchema).max(20).default([]).describe("Subjects matching any entry always get it off, whatever the rules and the stage."),
  variants: z.array(variantSchema).max(20).default([]).describe("Red/black variants for every subject the flag is on for."),
});
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

export const dependencySchema = z.strictObject({
  flag: flagKeySchema,
  enabled: z.boolean().optional().describe("false: this flag is on only where the parent is off."),
  variants: z.array(variantNameSchema).max(20).optional().describe("The parent must be on with one of these variants."),
});
export type Dependency = z.infer<typeof dependencySchema>;

/** The body of PUT /v1/flags/{key}: everything about a flag except its lifecycle stage. */
export const flagDefinitionSchema = z.strictObject({
  description: z.string().max(2000).default(""),
  environments: z
    .record(z.string().describe(ENVIRONMENT_RULE), environmentSchema)
    .superRefine((environments, context) => {
      // Checked here rather than as the record's key schema, so the message says what a name must be.
      for (const name of Object.keys(environments)) if (!ENVIRONMENT_NAME.test(name)) context.addIssue({ code: "custom", path: [name], message: `${JSON.stringify(name)} is not ${ENVIRONMENT_RULE}` });
      if (Object.keys(environments).length > 20) context.addIssue({ code: "custom", message: "at most 20 environments" });
    })
    .meta({ propertyNames: { pattern: ENVIRONMENT_NAME.source }, maxProperties: 20 })
    .default({})
    .describe("Per environment; an environment not listed has the flag off (DISABLED)."),
  dependencies: z.array(dependencySchema).max(10).default([]).describe("Flags that must be on (or off) for this one to be on."),
  exposures: z.boolean().default(false).describe("Record an exposure event (flags.exposure.v1) when a subject is evaluated: set it for red/black tests."),
});
export type FlagDefinition = z.infer<typeof flagDefinitionSchema>;

export const lifecycleSchema = z.enum(LIFECYCLE_STAGES);

export const flagDocumentSchema = z.object({
  key: z.string(),
  ...flagDefinitionSchema.shape,
  lifecycle: lifecycleSchema,
  lifecycleChangedAt: z.string(),
  revision: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type FlagDocument = z.infer<typeof flagDocumentSchema>;

export const segmentDefinitionSchema = z.strictObject({
  description: z.string().max(2000).default(""),
  constraints: z.array(constraintSchema).min(1).max(50).describe("All must hold for a subject to be in the segment."),
});
export type SegmentDefinition = z.infer<typeof segmentDefinitionSchema>;

export const segmentDocumentSchema = z.object({
  key: z.string(),
  ...segmentDefinitionSchema.shape,
  revision: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type SegmentDocument = z.infer<typeof segmentDocumentSchema>;

/** Everything an SDK needs to evaluate any flag in any environment, at one version. */
export const flagSetSchema = z.object({
  version: z.number().int().min(0).describe("Grows by one with every change to any flag or segment."),
  flags: z.array(flagDocumentSchema),
  segments: z.array(segmentDocumentSchema),
});
export type FlagSet = z.infer<typeof flagSetSchema>;
