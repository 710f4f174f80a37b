/**
 * The migrator's own `job` command builds its Jobs without the components (apps never import
 * infrastructure code), so it repeats the Postgres TLS contract: this keeps the two the same.
 */
import { describe, expect, it } from "vitest";
import { postgresCa } from "../../apps/migrator/src/kube/job-manifest";
import { POSTGRES_CA_CONFIG_MAP, POSTGRES_CA_DIRECTORY, POSTGRES_CA_KEY, POSTGRES_TLS_SERVER_NAME_KEY } from "./server-ca";

describe("the Postgres TLS contract", () => {
  it("is the same in the migrator's job command as in the components", () => {
    expect(postgresCa).toEqual({ configMap: POSTGRES_CA_CONFIG_MAP, key: POSTGRES_CA_KEY, nameKey: POSTGRES_TLS_SERVER_NAME_KEY, directory: POSTGRES_CA_DIRECTORY });
  });
});
