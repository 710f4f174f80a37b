/** The platform's own apps (apps/), each with its image and its GCP service account. */
export const PLATFORM_APPS = ["discovery", "flags", "health", "migrator", "worker"] as const;
export type PlatformApp = (typeof PLATFORM_APPS)[number];
