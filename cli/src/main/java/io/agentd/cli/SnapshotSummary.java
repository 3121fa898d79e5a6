package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.store.SnapshotFile;
import io.agentd.statemachine.store.Table;
import java.time.Instant;

/** What a backup holds, counted from its rows decoded as a server would decode them at start. */
record SnapshotSummary(SnapshotFile.Header header, long bytes, long rows, long revision, int namespaces,
    int agents, long metadataEntries, int workers, int tokens, long events, long auditRecords,
    String fingerprint) {

  static SnapshotSummary of(SnapshotFile.Loaded loaded, long bytes) {
    ClusterState s = ClusterState.load(loaded.store(), 1);
    long[] metadata = {0};
    s.namespaces().forEach(n -> s.agents(n.name(), a -> true, Integer.MAX_VALUE)
        .forEach(a -> metadata[0] += a.metadata().size()));
    long[] events = {0};
    loaded.store().scan(Table.EVENTS, (k, v) -> events[0]++);
    long[] audit = {0};
    loaded.store().scan(Table.AUDIT, (k, v) -> audit[0]++);
    return new SnapshotSummary(loaded.header(), bytes, loaded.rows(), s.revision(), s.namespaces().size(),
        s.agentCount(), metadata[0], s.workers().size(), s.tokens().size(), events[0], audit[0],
        s.fingerprint());
  }

  JsonNode json() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("formatVersion", header.formatVersion());
    o.put("schemaVersion", header.schemaVersion());
    o.put("revision", revision);
    o.put("appliedTerm", header.appliedTerm());
    o.put("appliedIndex", header.appliedIndex());
    o.put("takenAt", Instant.ofEpochMilli(header.takenAt()).toString());
    o.put("takenBy", header.takenBy());
    o.putPOJO("members", header.members());
    o.put("bytes", bytes);
    o.put("rows", rows);
    o.put("namespaces", namespaces);
    o.put("agents", agents);
    o.put("metadataEntries", metadataEntries);
    o.put("workers", workers);
    o.put("tokens", tokens);
    o.put("events", events);
    o.put("auditRecords", auditRecords);
    o.put("fingerprint", fingerprint);
    o.put("valid", true);
    return o;
  }

  String text() {
    return String.format("Format:           %d (store schema %d)%n"
            + "Revision:         %d%n"
            + "Taken:            %s by %s at applied index %d (term %d)%n"
            + "Members then:     %s%n"
            + "Size:             %d bytes, %d rows, SHA-256 checks out%n"
            + "Namespaces:       %d%n"
            + "Agents:           %d (%d metadata entries)%n"
            + "Workers:          %d%n"
            + "Tokens:           %d%n"
            + "Events kept:      %d%n"
            + "Audit records:    %d%n"
            + "Fingerprint:      %s%n",
        header.formatVersion(), header.schemaVersion(), revision,
        Instant.ofEpochMilli(header.takenAt()), header.takenBy(), header.appliedIndex(), header.appliedTerm(),
        String.join(", ", header.members()), bytes, rows, namespaces, agents, metadataEntries, workers, tokens,
        events, auditRecords, fingerprint);
  }
}
