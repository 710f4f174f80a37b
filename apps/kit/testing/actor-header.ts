/** Test helper: an invocation context header with an actor, as an operator's CLI would send it. */
export function actorHeader(id = "alice"): Record<string, string> {
  return { "x-armature-context": Buffer.from(JSON.stringify({ actor: { id, type: "user" } })).toString("base64url") };
}
