/** Small types every component shares. */

/** GCP labels (team, tenant, environment, ...): components put them on every labelable resource. */
export type Labels = Readonly<Record<string, string>>;
