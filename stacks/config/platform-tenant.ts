/**
 * The `tenant` label value of shared platform resources. It lives with the config because the config
 * rules refuse a tenant of that id; the labels (stacks/labels.ts) use it as their default tenant.
 */
export const PLATFORM_TENANT = "platform";
