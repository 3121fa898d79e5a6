package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.cli.AgentctlRun;
import io.agentd.daemon.CoordinatorNode;
import io.agentd.worker.WorkerConfig;
import io.agentd.worker.WorkerDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker's supervisor gives up on an agent (past its intensity limit): the coordinators place
 * it on another worker after a backoff, a bounded number of times, and {@code describe} shows
 * the assignments, restarts and the last exit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RescheduleTest {
    @TempDir
    static Path dir;
    CoordinatorNode node;
    WorkerDaemon small;
    WorkerDaemon big;
    Http http;

    @BeforeAll
    void start() throws Exception {
        node = DevNode.start(dir.resolve("server"), c -> {
            c.workerTtl = Duration.ofSeconds(10);
            c.rescheduleAttempts = 2;
            c.rescheduleBackoff = Duration.ofMillis(300);
        });
        http = new Http(DevNode.url(node));
        // Bin-packing puts a new agent on "small" (fewer free slots left) while it has room.
        small = worker("small", 4);
        big = worker("big", 8);
    }

    private WorkerDaemon worker(String id, int slots) throws Exception {
        WorkerConfig wc = new WorkerConfig();
        wc.servers = List.of(URI.create(DevNode.url(node)));
        wc.workerId = id;
        wc.slots = slots;
        wc.dataDir = dir.resolve(id);
        wc.address = "127.0.0.1:0";
        wc.heartbeatInterval = Duration.ofMillis(300);
        wc.stopGrace = Duration.ofMillis(500);
        wc.maxRestarts = 2;
        wc.restartWindow = Duration.ofSeconds(60);
        WorkerDaemon w = WorkerDaemon.start(wc.validate());
        await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/" + id).status() == 200);
        return w;
    }

    @AfterAll
    void stop() {
        small.close();
        big.close();
        node.close();
    }

    private JsonNode agent(String name) {
        return http.get("/v1/namespaces/default/agents/" + name).json();
    }

    private Path spawn(String name, String script) {
        Path runs = dir.resolve("runs-" + name);
        Http.Answer a = http.post("/v1/namespaces/default/agents", "{\"name\":\"" + name + "\",\"spec\":{"
                + "\"command\":\"/bin/sh\",\"args\":[\"-c\",\"echo $AGENTD_WORKER_ID $AGENTD_FENCING_TOKEN >> " + runs
                + "; " + script + "\"],\"restart\":\"on-failure\"}}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return runs;
    }

    @Test
    void anAgentThatKeepsFailingOnOneWorkerMovesToAnother() throws Exception {
        Path runs = spawn("picky", "if [ $AGENTD_WORKER_ID = small ]; then exit 3; fi; exec sleep 600");
        await().atMost(Cluster.eventually()).until(() -> agent("picky").path("state").asText().equals("running")
                && agent("picky").path("worker").asText().equals("big"));
        JsonNode a = agent("picky");
        assertThat(a.path("reschedules").asInt()).isEqualTo(1);
        assertThat(a.path("restarts").asInt()).as("two restarts on small").isEqualTo(2);
        assertThat(a.path("exitCode").asInt()).as("the last exit").isEqualTo(3);
        JsonNode history = a.path("history");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).path("worker").asText()).isEqualTo("small");
        assertThat(history.get(0).path("outcome").asText()).isEqualTo("failed (exit 3)");
        assertThat(history.get(0).path("restarts").asInt()).isEqualTo(2);
        assertThat(a.path("fencingToken").asLong()).isGreaterThan(history.get(0).path("fencingToken").asLong());
        List<String> lines = Files.readAllLines(runs);
        assertThat(lines).hasSize(4); // three runs on small (the first and two restarts), one on big
        assertThat(lines.get(3)).isEqualTo("big " + a.path("fencingToken").asLong());

        AgentctlRun describe = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", DevNode.url(node)), "describe", "picky");
        assertThat(describe.exitCode()).as(describe.err()).isZero();
        assertThat(describe.out()).contains("Last exit", "3", "Reschedules", "Assignments:", "failed (exit 3)",
                "current: running");
        assertThat(describe.out()).containsPattern("small\\s+" + history.get(0).path("fencingToken").asLong()
                + "\\s+2\\s");
    }

    @Test
    void reschedulesAreBoundedThenFailedIsFinal() throws Exception {
        Path runs = spawn("hopeless", "exit 4");
        // The first placement and two reschedules, each given up after two restarts.
        await().atMost(Cluster.eventually()).until(() -> agent("hopeless").path("history").size() == 3
                && agent("hopeless").path("state").asText().equals("failed"));
        Http.Answer read = http.get("/v1/namespaces/default/agents/hopeless");
        JsonNode a = read.json();
        assertThat(a.path("reschedules").asInt()).isEqualTo(2);
        assertThat(a.path("exitCode").asInt()).isEqualTo(4);
        assertThat(a.path("worker").isNull()).isTrue();
        long runsThen = Files.readAllLines(runs).size();
        assertThat(runsThen).isEqualTo(9);
        // Nothing more happens: well past the longest backoff (1.2 s), it is still failed, unplaced.
        long revision = a.path("revision").asLong();
        Http.Answer later = http.get("/v1/namespaces/default/agents/hopeless?index=" + read.revision() + "&wait=3s");
        assertThat(later.json().path("revision").asLong()).isEqualTo(revision);
        assertThat(Files.readAllLines(runs)).hasSize((int) runsThen);
    }
}
