/**
 * Private Google Access through the private VIP: `private.googleapis.com` is 199.36.153.8/30, routable
 * only from Google Cloud, and reaches most Google APIs without internet egress (Google Cloud docs,
 * "Configure Private Google Access", domain options). One source of truth for the range: the
 * network component derives its DNS records and route from it, and every NetworkPolicy that lets pods
 * call Google APIs allows exactly this block.
 */
import { cidrAddresses, parseCidr } from "./cidr";

export const PRIVATE_GOOGLE_APIS_HOST = "private.googleapis.com";
export const PRIVATE_GOOGLE_APIS_CIDR = "199.36.153.8/30";
/** The four addresses the A records of private.googleapis.com point at. */
export const PRIVATE_GOOGLE_APIS_ADDRESSES: readonly string[] = cidrAddresses(parseCidr(PRIVATE_GOOGLE_APIS_CIDR)!);
