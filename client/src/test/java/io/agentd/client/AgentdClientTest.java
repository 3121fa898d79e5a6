package io.agentd.client;

import static io.agentd.client.FakeApiServer.Answer.error;
import static io.agentd.client.FakeApiServer.Answer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.agentd.client.FakeApiServer.Answer;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.EventsPage;
import io.agentd.client.api.NamespaceView;
import io.agentd.client.api.QuotaView;
import io.agentd.client.api.SetMetadataRequest;
import io.agentd.client.api.SpawnRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client's contract, run once per transport ({@link AgentdClientJdkTransportTest},
 * {@link AgentdClientUrlConnectionTest}): the same calls, retries and errors with either.
 */
abstract class AgentdClientTest {

  /** The transport under test. */
  abstract AgentdClient.Transport transport();

  private static final String AGENT = """
      {"namespace": "default", "name": "a1", "id": 42,
       "spec": {"command": "sleep", "args": ["60"], "env": {}, "workingDir": null, "slots": 1,
                "labels": {}, "restart": "on-failure"},
       "desiredState": "running", "state": "pending", "worker": null, "fencingToken": null,
       "pendingReason": "no worker has 1 free slot", "exitCode": null, "restarts": 0, "metadata": {},
       "createRevision": 42, "revision": 42, "createTime": "2026-11-24T18:00:00Z",
       "updateTime": "2026-11-24T18:00:00Z", "addedLater": true}
      """;
  private static final SpawnRequest SPAWN = new SpawnRequest("a1",
      new AgentSpecView("sleep", List.of("60"), Map.of(), null, null, Map.of(), Map.of(), null));

  private final List<FakeApiServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(FakeApiServer::close);
  }

  @Test
  void anAnswerTheStreamingDecoderGivesUpOnIsReadByDatabindAsBefore() {
    // A string where a number belongs: databind turns it into the number.
    FakeApiServer server = server(request -> json(200, "{\"name\": \"a1\", \"restarts\": \"3\", \"x\": [1]}"));
    AgentdClient client = client(b -> b, server.uri());

    ApiReply<AgentView> reply = client.send(Api.getAgent("default", "a1"));

    assertThat(reply.value().restarts()).isEqualTo(3);
    assertThat(reply.json().get("x").get(0).asInt()).isEqualTo(1);
  }

  @Test
  void anUnreadableAnswerIsAnInternalErrorNamingTheCall() {
    FakeApiServer server = server(request -> json(200, "{\"name\": "));
    AgentdClient client = client(b -> b, server.uri());

    assertThatThrownBy(() -> client.send(Api.getAgent("default", "a1")))
        .isInstanceOfSatisfying(AgentdException.class, e -> assertThat(e.code()).isEqualTo(AgentdException.INTERNAL))
        .hasMessageContaining("unreadable answer to GET /v1/namespaces/default/agents/a1");
  }

  @Test
  void readsTheAnswerSendsTheTokenAndReportsTheRevision() {
    FakeApiServer server = server(request -> new Answer(200, AGENT, Map.of("X-Agentd-Revision", "77")));
    AgentdClient client = client(b -> b.token("s3cret"), server.uri());

    ApiReply<AgentView> reply = client.send(Api.getAgent("default", "a1"));

    assertThat(reply.value().name()).isEqualTo("a1");
    assertThat(reply.value().pendingReason()).isEqualTo("no worker has 1 free slot");
    assertThat(reply.json().get("addedLater").asBoolean()).isTrue();
    assertThat(reply.revision()).isEqualTo(77);
    FakeApiServer.Received received = server.received().get(0);
    assertThat(received.method()).isEqualTo("GET");
    assertThat(received.target()).isEqualTo("/v1/namespaces/default/agents/a1");
    assertThat(received.header("Authorization")).isEqualTo("Bearer s3cret");
    assertThat(received.header("Idempotency-Key")).isNull();
  }

  @Test
  void listsAgentsWithEncodedFiltersInOneOrAllNamespaces() {
    FakeApiServer server = server(request -> json(200, "[" + AGENT + "]"));
    AgentdClient client = client(b -> b, server.uri());
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("team", "search");
    labels.put("tier", "gold");

    List<AgentView> agents = client.listAgents("default", new AgentFilter("running", "w1", labels));
    client.listAgents(null, AgentFilter.ALL, ReadOptions.staleRead());

    assertThat(agents).extracting(AgentView::name).containsExactly("a1");
    assertThat(server.received()).extracting(FakeApiServer.Received::target).containsExactly(
        "/v1/namespaces/default/agents?state=running&worker=w1&label=team%3Dsearch&label=tier%3Dgold",
        "/v1/agents?stale=true");
  }

  @Test
  void blockingQueryAndEventsCarryIndexAndWait() {
    FakeApiServer server = server(request -> request.target().startsWith("/v1/events")
        ? json(200, "{\"events\": [], \"revision\": 9}")
        : json(200, "{\"key\": \"a/b\", \"value\": \"v\", \"version\": 8}"));
    AgentdClient client = client(b -> b, server.uri());

    client.getMetadata("default", "a1", "a/b", ReadOptions.blocking(7, Duration.ofMillis(500)));
    EventsPage page = client.events(5, Duration.ofMillis(100), 100);

    assertThat(page.revision()).isEqualTo(9);
    assertThat(server.received()).extracting(FakeApiServer.Received::target).containsExactly(
        "/v1/namespaces/default/agents/a1/metadata/a%2Fb?index=7&wait=500ms",
        "/v1/events?after=5&wait=100ms&limit=100");
  }

  @Test
  void writesSendJsonWithAnIdempotencyKey() {
    FakeApiServer server = server(request -> json(201, AGENT));
    AgentdClient client = client(b -> b, server.uri());

    ApiReply<AgentView> reply = client.send(Api.spawn("default", SPAWN));

    assertThat(reply.status()).isEqualTo(201);
    FakeApiServer.Received received = server.received().get(0);
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.target()).isEqualTo("/v1/namespaces/default/agents");
    assertThat(received.header("Content-Type")).isEqualTo("application/json");
    assertThat(received.header("Idempotency-Key")).matches("[A-Za-z0-9._:-]{1,64}");
    assertThat(received.body()).contains("\"name\":\"a1\"", "\"command\":\"sleep\"");
  }

  @Test
  void errorAnswerBecomesAnExceptionWithStatusCodeAndMessage() {
    FakeApiServer server = server(request -> error(403, "QUOTA_EXCEEDED", "namespace default: 10 agents is the quota"));
    AgentdClient client = client(b -> b, server.uri());

    AgentdException e = catchThrowableOfType(AgentdException.class, () -> client.spawn("default", SPAWN));

    assertThat(e.status()).isEqualTo(403);
    assertThat(e.code()).isEqualTo("QUOTA_EXCEEDED");
    assertThat(e.getMessage()).isEqualTo("namespace default: 10 agents is the quota");
  }

  @Test
  void answerWithoutTheApiErrorBodyGetsTheCodeOfItsStatus() {
    FakeApiServer server = server(request -> new Answer(404, "<html>no</html>", Map.of()));
    AgentdClient client = client(b -> b, server.uri());

    AgentdException e = catchThrowableOfType(AgentdException.class, () -> client.getNamespace("x"));

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo("NOT_FOUND");
    assertThat(e.getMessage()).contains("404", "<html>no</html>");
  }

  @Test
  void failsOverFromAClosedPortToALiveEndpoint() {
    FakeApiServer live = server(request -> json(200, AGENT));
    AgentdClient client = client(b -> b, FakeApiServer.closedEndpoint(), live.uri());

    AgentView agent = client.getAgent("default", "a1");

    assertThat(agent.id()).isEqualTo(42);
    assertThat(live.received()).hasSize(1);
  }

  @Test
  void unavailableAnswerMovesToTheNextEndpointAndTheNextCallStartsThere() {
    FakeApiServer follower = server(request -> error(503, "UNAVAILABLE", "no leader"));
    FakeApiServer leader = server(request -> json(200, "[]"));
    AgentdClient client = client(b -> b, follower.uri(), leader.uri());

    client.listNamespaces();
    List<NamespaceView> namespaces = client.listNamespaces();

    assertThat(namespaces).isEmpty();
    assertThat(follower.received()).hasSize(1);
    assertThat(leader.received()).hasSize(2);
  }

  @Test
  void aPreferredEndpointIsWhereTheNextCallStartsAndUnknownOnesAreIgnored() {
    FakeApiServer first = server(request -> json(200, "[]"));
    FakeApiServer second = server(request -> json(200, "[]"));
    AgentdClient client = client(b -> b, first.uri(), second.uri());
    assertThat(client.preferredEndpoint()).isEqualTo(client.endpoints().get(0));

    client.preferEndpoint(client.endpoints().get(1));
    client.listNamespaces();
    client.preferEndpoint(URI.create("http://127.0.0.1:1"));
    client.listNamespaces();

    assertThat(first.received()).isEmpty();
    assertThat(second.received()).hasSize(2);
    assertThat(client.preferredEndpoint()).isEqualTo(client.endpoints().get(1));
  }

  @Test
  void retriedWriteKeepsItsIdempotencyKeyAndTheNextWriteGetsANewOne() {
    FakeApiServer follower = server(request -> error(503, "UNAVAILABLE", "not ready"));
    FakeApiServer leader = server(request -> json(200, "{\"key\": \"k\", \"value\": \"v\", \"version\": 3}"));
    AgentdClient client = client(b -> b, follower.uri(), leader.uri());

    client.setMetadata("default", "a1", "k", new SetMetadataRequest("v", null));
    client.setMetadata("default", "a1", "k", new SetMetadataRequest("v", null));

    String first = follower.received().get(0).header("Idempotency-Key");
    assertThat(first).isNotBlank();
    assertThat(leader.received().get(0).header("Idempotency-Key")).isEqualTo(first);
    assertThat(leader.received().get(1).header("Idempotency-Key")).isNotEqualTo(first);
  }

  @Test
  void aCallThatFoundAnEndpointHungDoesNotMakeTheNextCallWaitOnItFirst() {
    FakeApiServer hung = server(request -> {
      Thread.sleep(5_000);
      return json(200, "[]");
    });
    // No leader yet on the other: every call fails, and each must not start with the hung one.
    FakeApiServer electing = server(request -> error(503, "UNAVAILABLE", "no leader"));
    AgentdClient client = client(b -> b.requestTimeout(Duration.ofMillis(300)).deadline(Duration.ofMillis(500))
        .maxAttempts(1), hung.uri(), electing.uri());

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(client::listNamespaces).isInstanceOf(AgentdException.class);
    }

    assertThat(hung.received()).as("only the first call tried the hung endpoint").hasSize(1);
    assertThat(electing.received()).hasSize(2);
  }

  @Test
  void timedOutWriteIsRetriedElsewhereWithTheSameKey() {
    FakeApiServer hung = server(request -> {
      Thread.sleep(5_000);
      return json(200, "{}");
    });
    FakeApiServer leader = server(request -> json(200, AGENT));
    AgentdClient client = client(b -> b.requestTimeout(Duration.ofMillis(300)).deadline(Duration.ofSeconds(5)),
        hung.uri(), leader.uri());

    client.stopAgent("default", "a1");

    assertThat(leader.received().get(0).header("Idempotency-Key"))
        .isEqualTo(hung.received().get(0).header("Idempotency-Key"));
  }

  @Test
  void callerChosenIdempotencyKeyIsSent() {
    FakeApiServer server = server(request -> json(200, AGENT));
    AgentdClient client = client(b -> b, server.uri());

    client.send(Api.deleteAgent("default", "a1").withIdempotencyKey("delete-a1:1"));

    assertThat(server.received().get(0).method()).isEqualTo("DELETE");
    assertThat(server.received().get(0).header("Idempotency-Key")).isEqualTo("delete-a1:1");
  }

  @ParameterizedTest
  @CsvSource({"400, INVALID_ARGUMENT", "404, NOT_FOUND", "409, ALREADY_EXISTS", "409, VERSION_MISMATCH",
      "401, UNAUTHENTICATED", "500, INTERNAL", "504, TIMEOUT"})
  void finalAnswerIsNeverRetried(int status, String code) {
    FakeApiServer first = server(request -> error(status, code, "no"));
    FakeApiServer second = server(request -> json(201, AGENT));
    AgentdClient client = client(b -> b, first.uri(), second.uri());

    AgentdException e = catchThrowableOfType(AgentdException.class, () -> client.spawn("default", SPAWN));

    assertThat(e.status()).isEqualTo(status);
    assertThat(e.code()).isEqualTo(code);
    assertThat(first.received()).hasSize(1);
    assertThat(second.received()).isEmpty();
  }

  @Test
  void tooManyRequestsIsRetriedAtTheSameEndpointAfterTheAdvisedWaitWithTheSameKey() {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    FakeApiServer busy = server(request -> calls.getAndIncrement() == 0
        ? new Answer(429, FakeApiServer.error("TOO_MANY_REQUESTS", "queue full"),
            Map.of("Content-Type", "application/json", "Retry-After", "1"))
        : json(201, AGENT));
    FakeApiServer other = server(request -> json(201, AGENT));
    AgentdClient client = client(b -> b.deadline(Duration.ofSeconds(10)), busy.uri(), other.uri());

    long start = System.nanoTime();
    AgentView spawned = client.spawn("default", SPAWN);

    assertThat(spawned.name()).isEqualTo("a1");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited as advised")
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(busy.received()).hasSize(2);
    assertThat(other.received()).as("429 is about load, not a dead endpoint: no failover").isEmpty();
    assertThat(busy.received().get(1).header("Idempotency-Key"))
        .isEqualTo(busy.received().get(0).header("Idempotency-Key"));
  }

  @Test
  void anAdvisedWaitBeyondTheDeadlineFailsAtOnceAndSaysWhenToRetry() {
    FakeApiServer busy = server(request -> new Answer(429, FakeApiServer.error("TOO_MANY_REQUESTS", "token rate"),
        Map.of("Content-Type", "application/json", "Retry-After", "30")));
    AgentdClient client = client(b -> b.deadline(Duration.ofSeconds(3)), busy.uri());

    long start = System.nanoTime();
    AgentdException e = catchThrowableOfType(AgentdException.class, () -> client.spawn("default", SPAWN));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.code()).isEqualTo(AgentdException.TOO_MANY_REQUESTS);
    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(30));
    assertThat(e.endpoint()).hasValue(busy.uri());
    assertThat(busy.received()).hasSize(1);
  }

  @Test
  void tooManyRequestsWithoutRetryAfterAndInsufficientStorageAreFinal() {
    FakeApiServer busy = server(request -> error(429, "TOO_MANY_REQUESTS", "busy"));
    FakeApiServer full = server(request -> error(507, "INSUFFICIENT_STORAGE", "n2 has 12 MiB free"));
    AgentdClient toBusy = client(b -> b, busy.uri());
    AgentdClient toFull = client(b -> b, full.uri());

    AgentdException e429 = catchThrowableOfType(AgentdException.class, () -> toBusy.spawn("default", SPAWN));
    AgentdException e507 = catchThrowableOfType(AgentdException.class, () -> toFull.spawn("default", SPAWN));

    assertThat(e429.code()).isEqualTo(AgentdException.TOO_MANY_REQUESTS);
    assertThat(e429.retryAfter()).isEmpty();
    assertThat(e507.status()).isEqualTo(507);
    assertThat(e507.code()).isEqualTo(AgentdException.INSUFFICIENT_STORAGE);
    assertThat(busy.received()).hasSize(1);
    assertThat(full.received()).hasSize(1);
  }

  @Test
  void unavailableWithRetryAfterWaitsAsAdvisedBeforeTheNextEndpoint() {
    FakeApiServer electing = server(request -> new Answer(503, FakeApiServer.error("UNAVAILABLE", "no leader"),
        Map.of("Content-Type", "application/json", "Retry-After", "1")));
    FakeApiServer leader = server(request -> json(201, AGENT));
    AgentdClient client = client(b -> b.deadline(Duration.ofSeconds(10)), electing.uri(), leader.uri());

    long start = System.nanoTime();
    client.spawn("default", SPAWN);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(leader.received()).hasSize(1);
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDate() {
    assertThat(FailoverCalls.parseRetryAfter("2")).hasValue(Duration.ofSeconds(2));
    assertThat(FailoverCalls.parseRetryAfter(" 0 ")).hasValue(Duration.ZERO);
    assertThat(FailoverCalls.parseRetryAfter("99999")).hasValue(Duration.ofHours(1));
    assertThat(FailoverCalls.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).hasValue(Duration.ZERO);
    assertThat(FailoverCalls.parseRetryAfter("soon")).isEmpty();
  }

  @Test
  void noReachableEndpointIsUnavailableWithoutStatus() {
    URI dead1 = FakeApiServer.closedEndpoint();
    URI dead2 = FakeApiServer.closedEndpoint();
    AgentdClient client = client(b -> b.maxAttempts(4), dead1, dead2);

    AgentdException e = catchThrowableOfType(AgentdException.class, client::clusterStatus);

    assertThat(e.status()).isZero();
    assertThat(e.code()).isEqualTo("UNAVAILABLE");
    assertThat(e.getMessage()).contains(dead1.toString(), dead2.toString());
  }

  @Test
  void unavailableEverywhereStopsAfterMaxAttempts() {
    FakeApiServer a = server(request -> error(503, "UNAVAILABLE", "no leader"));
    FakeApiServer b = server(request -> error(503, "UNAVAILABLE", "no leader"));
    AgentdClient client = client(builder -> builder.maxAttempts(3), a.uri(), b.uri());

    AgentdException e = catchThrowableOfType(AgentdException.class, () -> client.setQuota("default", QuotaView.unlimited()));

    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("UNAVAILABLE");
    assertThat(a.received().size() + b.received().size()).isEqualTo(3);
  }

  @Test
  void noAnswerBeforeTheDeadlineIsATimeout() {
    FakeApiServer hung = server(request -> {
      Thread.sleep(5_000);
      return json(200, "[]");
    });
    AgentdClient client = client(b -> b.requestTimeout(Duration.ofMillis(200)).deadline(Duration.ofMillis(500)),
        hung.uri());

    long start = System.nanoTime();
    AgentdException e = catchThrowableOfType(AgentdException.class, client::listWorkers);

    assertThat(e.status()).isZero();
    assertThat(e.code()).isEqualTo("TIMEOUT");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  private FakeApiServer server(FakeApiServer.Script script) {
    FakeApiServer server = FakeApiServer.start(script);
    servers.add(server);
    return server;
  }

  private AgentdClient client(
      java.util.function.UnaryOperator<AgentdClient.Builder> options, URI... endpoints) {
    return options.apply(AgentdClient.builder().transport(transport()).endpoints(List.of(endpoints))).build();
  }
}
