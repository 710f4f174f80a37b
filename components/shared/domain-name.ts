/** A lowercase DNS name of two or more labels, without the trailing dot, at most 200 characters (room for `<app>.` in front). */
export const DOMAIN_NAME = /^(?=.{3,200}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;
