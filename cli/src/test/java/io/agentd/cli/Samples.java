package io.agentd.cli;

/** Answers as docs/api.md shows them. */
final class Samples {

  private Samples() {}

  static String agent(String namespace, String name, String state, String worker, Long token) {
    return """
        {"namespace": "%s", "name": "%s", "id": 42,
         "spec": {"command": "/usr/bin/python3", "args": ["agent.py"], "env": {"K": "V"},
                  "workingDir": "/srv/agents", "slots": 1, "labels": {"team": "search"},
                  "restart": "on-failure"},
         "desiredState": "running", "state": "%s", "worker": %s, "fencingToken": %s,
         "pendingReason": null, "exitCode": null, "restarts": 0,
         "metadata": {"phase": {"value": "2", "version": 61}},
         "createRevision": 42, "revision": 61, "createTime": "2026-11-24T18:00:00.123Z",
         "updateTime": "2026-11-24T18:00:01.000Z"}
        """.formatted(namespace, name, state, worker == null ? "null" : "\"" + worker + "\"", token);
  }

  static final String AGENT = agent("default", "summarizer", "starting", "w1", 57L);

  static final String NAMESPACE = """
      {"name": "default", "quota": {"maxAgents": 10, "maxSlots": null},
       "usage": {"agents": 3, "slots": 5}, "createRevision": 1, "revision": 7}
      """;

  static final String WORKER = """
      {"id": "w1", "address": "10.0.0.5:7422", "zone": "a", "labels": {"gpu": "no"},
       "capacitySlots": 8, "usedSlots": 3, "state": "ready", "agents": 3,
       "registerRevision": 5, "revision": 9}
      """;

  static final String CLUSTER_STATUS = """
      {"clusterId": "c-1", "nodeId": "n1", "leader": "n1", "term": 3, "commitIndex": 120,
       "appliedIndex": 120, "revision": 310, "members": [
         {"id": "n1", "raftAddress": "127.0.0.1:7421", "httpAddress": "127.0.0.1:7420", "role": "leader"},
         {"id": "n2", "raftAddress": "127.0.0.1:8421", "httpAddress": "127.0.0.1:8420", "role": "follower"}]}
      """;

  static String event(long revision, String type, String name) {
    return """
        {"revision": %d, "time": "2026-11-24T18:00:00Z", "type": "%s", "namespace": "default",
         "name": "%s", "worker": "w1", "detail": "placed on w1 with token %d"}
        """.formatted(revision, type, name, revision);
  }

  static String events(long revision, String... events) {
    return "{\"events\": [" + String.join(",", events) + "], \"revision\": " + revision + "}";
  }
}
