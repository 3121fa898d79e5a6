package io.agentd.daemon.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of help for each metric a server registers (the name without {@code agentd_} and
 * without a counter's {@code _total}): the HELP line of {@code /metrics}, and the reference in
 * docs/operations.md ("Metrics"). A metric registered without an entry here fails MetricsTest.
 */
public final class MetricHelp {
    static final Map<String, String> HELP = help();

    private MetricHelp() {
    }

    private static Map<String, String> help() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("raft_term", "The Raft term this server is in");
        m.put("raft_commit_index", "The highest log index this server knows is committed");
        m.put("raft_applied_index", "The highest log index this server's state machine has applied");
        m.put("raft_is_leader", "1 while this server is the Raft leader, else 0");
        m.put("registry_revision", "The registry's revision as this server has applied it");
        m.put("registry_agents", "Agents in the registry, in every state");
        m.put("registry_pending_agents", "Agents waiting for a worker");
        m.put("registry_workers", "Workers the registry knows, in every state");
        m.put("blocking_queries_waiting", "Blocking queries and long polls (?index=, ?wait=) waiting on this server");
        m.put("cluster_feature_level", "The cluster's feature level (agentctl cluster upgrade)");
        m.put("build_feature_level_max", "The highest feature level this build supports");
        m.put("disk_free_bytes", "Free bytes on the file system of this server's data dir");
        m.put("disk_total_bytes", "Size in bytes of the file system of this server's data dir");
        m.put("disk_min_free_bytes", "Free bytes this server keeps (min-free-disk) before it raises the disk alarm");
        m.put("disk_low", "1 while this server has less free space than min-free-disk, else 0");
        m.put("disk_alarm", "1 while any member is low on disk and the cluster refuses writes with 507, else 0");
        m.put("proposals_queued", "Commands waiting on this server for the next log entry (max-queued-proposals)");
        m.put("http_requests_held", "Requests this server holds: admitted, not yet answered (max-inflight-requests)");
        m.put("http_writes_held", "Writes among the requests held");
        m.put("http_write_delay_bound", "1 while writes are refused past what the server answers in its delay target"
                + " (write-delay-target), else 0");
        m.put("http_writes_shed_for_delay", "Writes refused with 429 because they would have waited past the delay"
                + " target");
        m.put("http_heartbeats", "Worker lease renewals answered");
        m.put("http_errors", "Answers with an error status, by status");
        m.put("http_auth_failures", "Requests refused for a missing, unknown or revoked token");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The help of metric {@code key} (the registered name, without labels). */
    static String of(String key) {
        return HELP.getOrDefault(key, "(no help: add it to MetricHelp)");
    }
}
