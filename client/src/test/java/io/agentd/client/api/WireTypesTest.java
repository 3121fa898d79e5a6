package io.agentd.client.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each wire record against the literal JSON of docs/api.md, through a plain ObjectMapper. */
class WireTypesTest {

  private final ObjectMapper mapper = new ObjectMapper();

  static final String NAMESPACE = """
      {"name": "default", "quota": {"maxAgents": null, "maxSlots": null},
       "usage": {"agents": 3, "slots": 5}, "createRevision": 1, "revision": 7}
      """;

  static final String AGENT = """
      {"namespace": "default", "name": "summarizer", "id": 42,
       "spec": {"command": "/usr/bin/python3", "args": ["agent.py"], "env": {"K": "V"},
                "workingDir": "/srv/agents", "slots": 1, "labels": {"team": "search"},
                "constraints": {}, "restart": "on-failure"},
       "desiredState": "running",
       "state": "starting",
       "worker": "w1",
       "fencingToken": 57,
       "pendingReason": null,
       "exitCode": null,
       "restarts": 0,
       "metadata": {"phase": {"value": "2", "version": 61}},
       "createRevision": 42, "revision": 61, "createTime": "2026-11-24T18:00:00.123Z",
       "updateTime": "2026-11-24T18:00:01.500Z", "migrateTo": null, "checkpointRevision": null,
       "reschedules": 1,
       "history": [{"worker": "w2", "fencingToken": 50, "restarts": 5, "endRevision": 56,
                    "endTime": "2026-11-24T17:59:58.000Z", "outcome": "failed (exit 3)"}],
       "health": {"status": "degraded", "progress": "step 3 of 10", "time": "2026-11-24T18:00:01.400Z"}}
      """;

  static final String WORKER = """
      {"id": "w1", "address": "10.0.0.5:7422", "zone": "a", "labels": {"gpu": "no"},
       "capacitySlots": 8, "usedSlots": 3, "state": "ready", "agents": 3,
       "registerRevision": 5, "revision": 9}
      """;

  static final String EVENT = """
      {"revision": 61, "time": "2026-11-24T18:00:01.500Z", "type": "AgentSpawned", "namespace": "default",
       "name": "summarizer", "worker": "w1", "detail": "placed on w1 with token 61"}
      """;

  static final String CLUSTER_STATUS = """
      {"clusterId": "c-1", "nodeId": "n1", "leader": "n1", "term": 3, "commitIndex": 120,
       "appliedIndex": 120, "revision": 310, "members": [{"id": "n1", "raftAddress": "127.0.0.1:7421",
       "httpAddress": "127.0.0.1:7420", "role": "leader", "featureLevels": {"min": 1, "max": 2}}],
       "featureLevel": 2}
      """;

  @Test
  void namespaceMapsEveryFieldAndNullQuotaIsUnlimited() throws Exception {
    NamespaceView namespace = mapper.readValue(NAMESPACE, NamespaceView.class);

    assertThat(namespace).isEqualTo(new NamespaceView("default", QuotaView.unlimited(), new UsageView(3, 5), 1, 7));
    assertRoundTrips(NAMESPACE, namespace);
  }

  @Test
  void agentMapsEveryField() throws Exception {
    AgentView agent = mapper.readValue(AGENT, AgentView.class);

    assertThat(agent.namespace()).isEqualTo("default");
    assertThat(agent.name()).isEqualTo("summarizer");
    assertThat(agent.id()).isEqualTo(42);
    assertThat(agent.spec()).isEqualTo(new AgentSpecView("/usr/bin/python3", List.of("agent.py"), Map.of("K", "V"),
        "/srv/agents", 1, Map.of("team", "search"), Map.of(), "on-failure"));
    assertThat(agent.desiredState()).isEqualTo("running");
    assertThat(agent.state()).isEqualTo("starting");
    assertThat(agent.worker()).isEqualTo("w1");
    assertThat(agent.fencingToken()).isEqualTo(57L);
    assertThat(agent.pendingReason()).isNull();
    assertThat(agent.exitCode()).isNull();
    assertThat(agent.restarts()).isZero();
    assertThat(agent.metadata()).containsExactly(Map.entry("phase", new MetadataEntryView("2", 61)));
    assertThat(agent.createRevision()).isEqualTo(42);
    assertThat(agent.revision()).isEqualTo(61);
    assertThat(agent.createTime()).isEqualTo("2026-11-24T18:00:00.123Z");
    assertThat(agent.updateTime()).isEqualTo("2026-11-24T18:00:01.500Z");
    assertThat(agent.reschedules()).isEqualTo(1);
    assertThat(agent.health()).isEqualTo(new HealthView("degraded", "step 3 of 10", "2026-11-24T18:00:01.400Z"));
    assertThat(agent.history()).containsExactly(
        new AssignmentView("w2", 50, 5, 56, "2026-11-24T17:59:58.000Z", "failed (exit 3)"));
    assertRoundTrips(AGENT, agent);
  }

  @Test
  void unassignedAgentHasNullWorkerAndToken() throws Exception {
    String json = AGENT.replace("\"worker\": \"w1\"", "\"worker\": null")
        .replace("\"fencingToken\": 57", "\"fencingToken\": null");

    AgentView agent = mapper.readValue(json, AgentView.class);

    assertThat(agent.worker()).isNull();
    assertThat(agent.fencingToken()).isNull();
    assertRoundTrips(json, agent);
  }

  @Test
  void workerMapsEveryField() throws Exception {
    WorkerView worker = mapper.readValue(WORKER, WorkerView.class);

    assertThat(worker).isEqualTo(new WorkerView("w1", "10.0.0.5:7422", "a", Map.of("gpu", "no"), 8, 3, "ready", 3, 5, 9));
    assertRoundTrips(WORKER, worker);
  }

  @Test
  void eventAndEventsPageMapEveryField() throws Exception {
    EventView event = mapper.readValue(EVENT, EventView.class);
    assertThat(event).isEqualTo(new EventView(61, "2026-11-24T18:00:01.500Z", "AgentSpawned", "default",
        "summarizer", "w1", "placed on w1 with token 61"));
    assertRoundTrips(EVENT, event);

    String page = "{\"events\": [" + EVENT + "], \"revision\": 62, \"truncated\": true}";
    EventsPage events = mapper.readValue(page, EventsPage.class);
    assertThat(events).isEqualTo(new EventsPage(List.of(event), 62, true));
    assertRoundTrips(page, events);
  }

  @Test
  void eventsPageWithoutTruncatedIsNotTruncated() throws Exception {
    EventsPage page = mapper.readValue("{\"events\": [], \"revision\": 310}", EventsPage.class);

    assertThat(page).isEqualTo(new EventsPage(List.of(), 310, false));
  }

  @Test
  void clusterStatusAndMembersMapEveryField() throws Exception {
    ClusterStatusView status = mapper.readValue(CLUSTER_STATUS, ClusterStatusView.class);
    MemberView member = new MemberView("n1", "127.0.0.1:7421", "127.0.0.1:7420", "leader",
        new FeatureLevelsView(1, 2));

    assertThat(status).isEqualTo(new ClusterStatusView("c-1", "n1", "n1", 3, 120, 120, 310, List.of(member), 2));
    assertRoundTrips(CLUSTER_STATUS, status);
    // agentctl adds each member's build, from cluster health; the server's own answer has none.
    MemberView withBuild = mapper.readValue(
        "{\"id\": \"n1\", \"role\": \"leader\", \"version\": \"0.1.0 (commit 1a2b3c4d5e)\"}", MemberView.class);
    assertThat(withBuild.version()).isEqualTo("0.1.0 (commit 1a2b3c4d5e)");
    assertThat(mapper.writeValueAsString(member)).doesNotContain("version");
  }

  @Test
  void metadataAndErrorBodyMapEveryField() throws Exception {
    String metadata = "{\"key\": \"k\", \"value\": \"v\", \"version\": 61}";
    String error = "{\"error\": {\"code\": \"QUOTA_EXCEEDED\", \"message\": \"namespace default: 10 agents is the quota\"}}";

    assertThat(mapper.readValue(metadata, MetadataView.class)).isEqualTo(new MetadataView("k", "v", 61));
    assertThat(mapper.readValue(error, ErrorBody.class))
        .isEqualTo(ErrorBody.of("QUOTA_EXCEEDED", "namespace default: 10 agents is the quota"));
    assertRoundTrips(metadata, new MetadataView("k", "v", 61));
    assertRoundTrips(error, ErrorBody.of("QUOTA_EXCEEDED", "namespace default: 10 agents is the quota"));
  }

  @Test
  void createNamespaceRequestOmitsAMissingQuota() throws Exception {
    assertWritesAs(new CreateNamespaceRequest("ns", new QuotaView(10L, 20L)),
        "{\"name\": \"ns\", \"quota\": {\"maxAgents\": 10, \"maxSlots\": 20}}");
    assertWritesAs(new CreateNamespaceRequest("ns", null), "{\"name\": \"ns\"}");
  }

  @Test
  void quotaBodyKeepsNullAsUnlimited() throws Exception {
    assertWritesAs(new QuotaView(10L, null), "{\"maxAgents\": 10, \"maxSlots\": null}");
  }

  @Test
  void spawnRequestCarriesTheSpec() throws Exception {
    SpawnRequest request = new SpawnRequest("a1", new AgentSpecView("/usr/bin/python3", List.of("agent.py"),
        Map.of("K", "V"), "/srv/agents", 1, Map.of("team", "search"), Map.of(), "on-failure"));

    assertWritesAs(request, """
        {"name": "a1", "spec": {"command": "/usr/bin/python3", "args": ["agent.py"], "env": {"K": "V"},
         "workingDir": "/srv/agents", "slots": 1, "labels": {"team": "search"}, "constraints": {},
         "restart": "on-failure"}}
        """);
    assertThat(mapper.readValue(mapper.writeValueAsString(request), SpawnRequest.class)).isEqualTo(request);
  }

  @Test
  void spawnRequestWithOnlyACommandReadsWithEmptyCollections() throws Exception {
    SpawnRequest request = mapper.readValue("{\"name\": \"a1\", \"spec\": {\"command\": \"sleep\"}}", SpawnRequest.class);

    assertThat(request.spec()).isEqualTo(new AgentSpecView("sleep", List.of(), Map.of(), null, null, Map.of(), Map.of(), null));
  }

  @Test
  void requestWithAnUnknownFieldIsRejectedByAPlainMapper() {
    assertThatThrownBy(() -> mapper.readValue("{\"name\": \"a1\", \"spek\": {}}", SpawnRequest.class))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("spek");
  }

  @Test
  void setMetadataRequestOmitsAMissingIfVersion() throws Exception {
    assertWritesAs(new SetMetadataRequest("v", 61L), "{\"value\": \"v\", \"ifVersion\": 61}");
    assertWritesAs(new SetMetadataRequest("v", null), "{\"value\": \"v\"}");
  }

  @Test
  void workerRequestsMapEveryField() throws Exception {
    assertWritesAs(new RegisterWorkerRequest("w1", "host:7422", "a", Map.of(), 8),
        "{\"id\": \"w1\", \"address\": \"host:7422\", \"zone\": \"a\", \"labels\": {}, \"capacitySlots\": 8}");
    assertWritesAs(new StatusReport(57, "running", 1, "", 2),
        "{\"fencingToken\": 57, \"state\": \"running\", \"exitCode\": 1, \"message\": \"\", \"restarts\": 2}");
  }

  private void assertRoundTrips(String json, Object value) throws Exception {
    JsonNode written = mapper.readTree(mapper.writeValueAsString(value));
    assertThat(written).isEqualTo(mapper.readTree(json));
    assertThat(mapper.treeToValue(written, value.getClass())).isEqualTo(value);
  }

  private void assertWritesAs(Object request, String json) throws Exception {
    assertThat(mapper.readTree(mapper.writeValueAsString(request))).isEqualTo(mapper.readTree(json));
  }
}
