/**
 * Topic names are `<domain>.<entity>.v<N>`: the version is the serialisation. A change its readers
 * could not follow is a new topic (`v<N+1>`), never an edit of the old one (see compatibility.ts).
 * The same rule as the stack config's (components/kafka/topic-name.ts; apps do not import components).
 */
export const TOPIC_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9]\d*$/;

export interface TopicName {
  readonly domain: string;
  readonly entity: string;
  readonly version: number;
}

export function parseTopicName(name: string): TopicName {
  if (!TOPIC_NAME.test(name)) {
    throw new Error(`topic ${JSON.stringify(name)} does not follow <domain>.<entity>.v<N>: name it like discovery.registration.v1`);
  }
  const [domain, entity, version] = name.split(".") as [string, string, string];
  return { domain, entity, version: Number(version.slice(1)) };
}
