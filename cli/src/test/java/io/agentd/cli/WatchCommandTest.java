package io.agentd.cli;

import io.agentd.client.FakeApiServer;
import static io.agentd.cli.AgentctlRun.agentctl;
import static io.agentd.cli.Samples.event;
import static io.agentd.cli.Samples.events;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeApiServer coordinator = FakeApiServer.scripted();

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void stopsAfterCountEventsOneJsonObjectPerLineFollowingTheRevision() throws Exception {
    coordinator
        .on("GET", "/v1/events", 200, events(61, event(61, "AgentSpawned", "a1")))
        .on("GET", "/v1/events", 200, events(64, event(63, "AgentAssigned", "a1"), event(64, "AgentSpawned", "a2")))
        .on("GET", "/v1/events", 200, events(70, event(70, "AgentStopped", "a1")));

    AgentctlRun run = agentctl("watch", "--after", "60", "--count", "2", "-o", "json", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines.get(0))).isEqualTo(JSON.readTree(event(61, "AgentSpawned", "a1")));
    assertThat(JSON.readTree(lines.get(1))).isEqualTo(JSON.readTree(event(63, "AgentAssigned", "a1")));
    assertThat(coordinator.received()).extracting(FakeApiServer.Received::target).containsExactly(
        "/v1/events?after=60&wait=30s&limit=1000",
        "/v1/events?after=61&wait=30s&limit=1000");
  }

  @Test
  void lastStartsWithTheNewestEventsThenFollowsFromTheirRevision() {
    coordinator
        .on("GET", "/v1/events", 200, events(90, event(88, "AgentSpawned", "a1"), event(89, "AgentStopped", "a2")))
        .on("GET", "/v1/events", 200, events(95, event(95, "AgentSpawned", "a3")));

    AgentctlRun run = agentctl("watch", "--last", "2", "--count", "3", "--addr", coordinator.addr());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("88").contains("AgentSpawned", "default/a1");
    assertThat(lines.get(1)).startsWith("89").contains("AgentStopped");
    assertThat(lines.get(2)).startsWith("95").contains("default/a3");
    assertThat(coordinator.received()).extracting(FakeApiServer.Received::target).containsExactly(
        "/v1/events?last=2",
        "/v1/events?after=90&wait=30s&limit=1000");
  }

  @Test
  void lastWithCountNoMoreThanTheNewestReturnsWithoutWaiting() {
    coordinator.on("GET", "/v1/events", 200,
        events(90, event(88, "AgentSpawned", "a1"), event(89, "AgentStopped", "a2")));

    AgentctlRun run = agentctl("watch", "--last", "2", "--count", "2", "--addr", coordinator.addr());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines()).hasSize(2);
    assertThat(coordinator.received()).extracting(FakeApiServer.Received::target).containsExactly(
        "/v1/events?last=2");
  }

  @Test
  void startsAtTheCurrentRevisionAndSkipsPastAnEmptyPage() {
    coordinator
        .on("GET", "/v1/cluster/status", 200, Samples.CLUSTER_STATUS)
        .on("GET", "/v1/events", 200, events(312))
        .on("GET", "/v1/events", 200, events(313, event(313, "QuotaSet", "a1")));

    AgentctlRun run = agentctl("watch", "--count", "1", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("313").contains("QuotaSet", "default/a1");
    assertThat(coordinator.received()).extracting(FakeApiServer.Received::target).containsExactly(
        "/v1/cluster/status",
        "/v1/events?after=310&wait=30s&limit=1000",
        "/v1/events?after=312&wait=30s&limit=1000");
  }

  @Test
  void warnsOnStderrWhenEventsWereDropped() {
    coordinator.on("GET", "/v1/events", 200,
        "{\"events\": [" + event(900, "AgentSpawned", "a1") + "], \"revision\": 900, \"truncated\": true}");

    AgentctlRun run = agentctl("watch", "--after", "0", "--count", "1", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).startsWith("agentctl: events after revision 0 are no longer retained");
  }
}
