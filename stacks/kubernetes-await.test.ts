import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { SKIP_AWAIT_ANNOTATION, skipKubernetesAwait } from "./kubernetes-await";

const transform = (type: string, props: Record<string, unknown>, custom = true) =>
  skipKubernetesAwait({ type, name: "x", custom, props, opts: { protect: false } });

function resolved<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(value).apply((known) => resolve(known as T)));
}

describe("skipKubernetesAwait", () => {
  it("annotates a Kubernetes object and keeps its metadata and options", () => {
    const result = transform("kubernetes:apps/v1:Deployment", {
      metadata: { name: "web", namespace: "tenant-acme", annotations: { owner: "platform" } },
      spec: { replicas: 2 },
    });
    expect(result?.props).toEqual({
      metadata: { name: "web", namespace: "tenant-acme", annotations: { owner: "platform", [SKIP_AWAIT_ANNOTATION]: "true" } },
      spec: { replicas: 2 },
    });
    expect(result?.opts).toEqual({ protect: false });
  });

  it("annotates objects without metadata, and annotations or metadata given as outputs", async () => {
    const bare = transform("kubernetes:batch/v1:Job", { spec: {} });
    expect(bare?.props["metadata"]).toEqual({ annotations: { [SKIP_AWAIT_ANNOTATION]: "true" } });
    const fromOutput = transform("kubernetes:core/v1:Service", { metadata: { name: "s", annotations: pulumi.output({ a: "b" }) } });
    const metadata = fromOutput?.props["metadata"] as { annotations: pulumi.Output<Record<string, string>> };
    expect(await resolved(metadata.annotations)).toEqual({ a: "b", [SKIP_AWAIT_ANNOTATION]: "true" });
    const wholeOutput = transform("kubernetes:core/v1:Service", { metadata: pulumi.output({ name: "t" }) });
    expect(await resolved(wholeOutput?.props["metadata"] as pulumi.Output<unknown>)).toEqual({ name: "t", annotations: { [SKIP_AWAIT_ANNOTATION]: "true" } });
  });

  it("turns off a Helm release's wait with its own input", () => {
    expect(transform("kubernetes:helm.sh/v3:Release", { chart: "vault", atomic: true })?.props).toEqual({ chart: "vault", atomic: true, skipAwait: true });
  });

  it("leaves other packages, providers and components alone", () => {
    expect(transform("gcp:container/cluster:Cluster", { name: "c" })).toBeUndefined();
    expect(transform("pulumi:providers:kubernetes", { kubeconfig: "{}" })).toBeUndefined();
    expect(transform("kubernetes:apps/v1:Deployment", {}, false)).toBeUndefined();
  });
});
