/**
 * A value as it comes out of a `google.protobuf.Struct` it was put into (struct_pb.js
 * `fromJavaScript`, then `toJavaScript`): every object's keys in sorted order, other values
 * unchanged, and the same error for a value a Struct cannot hold. The plan's monitor answers the
 * SDK with this instead of building the protobuf message, which was the largest part of
 * answering a registration; the SDK reads the answer only through `toJavaScript()`.
 */
export function asStructValue(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(asStructValue);
  if (typeof value !== "object") throw new Error("Unexpected struct type.");
  const source = value as Record<string, unknown>;
  const keys: string[] = [];
  // `for...in`, as Struct.fromJavaScript reads an object; the Struct's map hands keys back sorted.
  for (const key in source) keys.push(key);
  const result: Record<string, unknown> = {};
  for (const key of keys.sort()) result[key] = asStructValue(source[key]);
  return result;
}
