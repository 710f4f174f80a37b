/**
 * The Cloud Monitoring filter that selects one consumer group's offset lag on one topic of a Managed
 * Kafka cluster: the time series KEDA's gcp-stackdriver scaler reads (Monitoring API
 * `projects.timeSeries.list`, https://cloud.google.com/monitoring/api/v3/filters).
 *
 * NOT VERIFIED against Google's metric list (https://cloud.google.com/monitoring/api/metrics_gcp_i_o):
 * no copy of that page could be read while this was written. The metric type, the monitored-resource
 * type and its label names below are as public Cloud Monitoring dashboards for Managed Kafka write
 * them; only a GCP project proves them (README: "What the offline tests cannot prove"). Two things
 * are verified: KEDA's scaler appends ` AND resource.labels.project_id="<projectId>"` to every filter
 * (kedacore/keda pkg/scalers/gcp/gcp_stackdriver_client.go, GetMetrics), so the resource type must
 * carry a `project_id` label; and it reads the first point of the first series returned, so the
 * trigger must reduce the partitions' series to one (OFFSET_LAG_AGGREGATION).
 */

export const OFFSET_LAG_METRIC = "managedkafka.googleapis.com/offset_lag";
/** One series per (cluster, topic, partition, consumer group). */
export const OFFSET_LAG_RESOURCE = "managedkafka.googleapis.com/TopicPartitionConsumerGroup";

/**
 * Each partition's lag averaged over a minute, then summed across partitions: the group's total lag
 * on the topic. KEDA's `alignmentAligner` / `alignmentReducer` names (its scaler docs, "Timeseries
 * alignment properties").
 */
export const OFFSET_LAG_AGGREGATION = { alignmentPeriodSeconds: "60", alignmentAligner: "mean", alignmentReducer: "sum" } as const;

export interface OffsetLagSelector {
  /** The Kafka cluster's region, e.g. europe-west1. */
  readonly clusterLocation: string;
  readonly clusterId: string;
  readonly topic: string;
  readonly consumerGroup: string;
}

/** Names a filter may quote as they are: Kafka's topic characters, so no quote or backslash to escape. */
export const FILTER_SAFE_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function offsetLagFilter(selector: OffsetLagSelector): string {
  return [
    `metric.type="${OFFSET_LAG_METRIC}"`,
    `resource.type="${OFFSET_LAG_RESOURCE}"`,
    `resource.labels.location="${selector.clusterLocation}"`,
    `resource.labels.cluster_id="${selector.clusterId}"`,
    `resource.labels.topic_id="${selector.topic}"`,
    `resource.labels.consumer_group_id="${selector.consumerGroup}"`,
  ].join(" AND ");
}
