/**
 * The few Reflect metadata functions tsyringe (a dependency of @peculiar/x509) checks for and uses,
 * so the stand-ins need no `reflect-metadata` package. Metadata is kept per object and property key;
 * lookups walk the prototype chain as the proposal's getMetadata does.
 * https://rbuckton.github.io/reflect-metadata/
 */
type Target = object;
type Key = string | symbol | undefined;

const store = new WeakMap<Target, Map<Key, Map<unknown, unknown>>>();

function own(target: Target, property: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty && create) store.set(target, (byProperty = new Map<Key, Map<unknown, unknown>>()));
  let entries = byProperty?.get(property);
  if (!entries && create && byProperty) byProperty.set(property, (entries = new Map<unknown, unknown>()));
  return entries;
}

const metadata = {
  defineMetadata(key: unknown, value: unknown, target: Target, property?: Key): void {
    own(target, property, true)!.set(key, value);
  },
  getOwnMetadata(key: unknown, target: Target, property?: Key): unknown {
    return own(target, property, false)?.get(key);
  },
  hasOwnMetadata(key: unknown, target: Target, property?: Key): boolean {
    return own(target, property, false)?.has(key) ?? false;
  },
  getMetadata(key: unknown, target: Target, property?: Key): unknown {
    for (let current: Target | null = target; current; current = Object.getPrototypeOf(current) as Target | null) {
      const entries = own(current, property, false);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  },
  hasMetadata(key: unknown, target: Target, property?: Key): boolean {
    return metadata.getMetadata(key, target, property) !== undefined;
  },
  metadata(key: unknown, value: unknown) {
    return (target: Target, property?: Key) => metadata.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(metadata)) {
  if (typeof reflect[name] !== "function") reflect[name] = fn;
}
