/** Registry changes travel on one Redis pub/sub channel: every discovery replica and SDK listens. */
import { z } from "zod";

export const CHANGES_CHANNEL = "armature:discovery:changes";

export const changeMessageSchema = z.object({ service: z.string(), revision: z.number().int(), deleted: z.boolean().optional() });
export type ChangeMessage = z.infer<typeof changeMessageSchema>;

export function parseChange(raw: string): ChangeMessage | undefined {
  try {
    const parsed = changeMessageSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
