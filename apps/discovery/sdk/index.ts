/** The discovery client SDK: `new DiscoveryClient({ url, redisUrl, environment })`, then `resolve(name)`. */
export { DiscoveryClient, type DiscoveryClientOptions, DiscoveryUnavailable, type Resolution, ServiceNotRegistered } from "./discovery-client";
export { selectOverride } from "./override-selection";
export type { Override, ServiceDocument } from "../service-document";
