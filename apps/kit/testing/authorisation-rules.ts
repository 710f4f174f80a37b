/**
 * Test helper: authorisation rules for tests about an app's behaviour rather than its
 * authorisation. The actors those tests name are platform admins; the authorisation tests
 * (apps/kit/authorisation/) build their own rules.
 */
export const TEST_ADMINS = ["alice", "bob", "carol", "fuzzer", "bench", "ops", "load", "spot-test", "health", "scheduler", "u1", "u-1", "u-42"];

export function testAuthorisationEnv(admins: readonly string[] = TEST_ADMINS): { AUTHORISATION_RULES: string } {
  return { AUTHORISATION_RULES: JSON.stringify({ admins }) };
}
