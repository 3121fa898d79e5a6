package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Restart policies, backoff and the intensity limit, with a real worker running real processes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerSupervisionTest {
    @TempDir
    static Path dir;
    CoordinatorNode node;
    WorkerDaemon worker;
    Http http;

    @BeforeAll
    void start() throws Exception {
        node = DevNode.start(dir.resolve("server"), c -> {
            c.workerTtl = Duration.ofSeconds(10);
            c.rescheduleAttempts = 0; // one worker: "failed" stays final here (RescheduleTest covers the rest)
        });
        http = new Http(DevNode.url(node));
        WorkerConfig wc = new WorkerConfig();
        wc.servers = List.of(URI.create(DevNode.url(node)));
        wc.workerId = "sup";
        wc.slots = 10;
        wc.dataDir = dir.resolve("worker");
        wc.address = "127.0.0.1:0";
        wc.heartbeatInterval = Duration.ofMillis(300);
        wc.stopGrace = Duration.ofMillis(500);
        wc.maxRestarts = 3;
        wc.restartWindow = Duration.ofSeconds(60);
        worker = WorkerDaemon.start(wc.validate());
        await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/sup").status() == 200);
    }

    @AfterAll
    void stop() {
        worker.close();
        node.close();
    }

    private String spawn(String name, String script, String restart) {
        Path runs = dir.resolve("runs-" + name);
        Http.Answer a = http.post("/v1/namespaces/default/agents", "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"/bin/sh\","
                + "\"args\":[\"-c\",\"echo run >> " + runs + "; " + script + "\"],\"restart\":\"" + restart + "\"}}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return runs.toString();
    }

    private JsonNode agent(String name) {
        return http.get("/v1/namespaces/default/agents/" + name).json();
    }

    private static long runs(String file) throws Exception {
        Path p = Path.of(file);
        return Files.exists(p) ? Files.readAllLines(p).size() : 0;
    }

    @Test
    void onFailureRestartsWithinTheIntensityLimitThenReportsFailedWithTheExitCode() throws Exception {
        String runs = spawn("crashy", "exit 3", "on-failure");
        await().atMost(Cluster.eventually()).until(() -> agent("crashy").path("state").asText().equals("failed"));
        JsonNode a = agent("crashy");
        assertThat(a.path("exitCode").asInt()).isEqualTo(3);
        assertThat(a.path("worker").isNull()).isTrue();
        assertThat(runs(runs)).as("the first run and three restarts").isEqualTo(4);
    }

    @Test
    void neverDoesNotRestartAndACleanExitIsStopped() throws Exception {
        String bad = spawn("once-bad", "exit 5", "never");
        String good = spawn("once-good", "sleep 0.5; exit 0", "never");
        await().atMost(Cluster.eventually()).until(() -> agent("once-bad").path("state").asText().equals("failed"));
        await().atMost(Cluster.eventually()).until(() -> agent("once-good").path("state").asText().equals("stopped"));
        assertThat(agent("once-bad").path("exitCode").asInt()).isEqualTo(5);
        assertThat(agent("once-good").path("exitCode").asInt()).isZero();
        assertThat(runs(bad)).isEqualTo(1);
        assertThat(runs(good)).isEqualTo(1);
    }

    @Test
    void alwaysRestartsAfterACleanExitAndStopEndsIt() throws Exception {
        String runs = spawn("loop", "sleep 0.3; exit 0", "always");
        await().atMost(Cluster.eventually()).until(() -> runs(runs) >= 3);
        assertThat(http.post("/v1/namespaces/default/agents/loop/stop", null).status()).isEqualTo(200);
        await().atMost(Cluster.eventually()).until(() -> agent("loop").path("state").asText().equals("stopped"));
    }

    @Test
    void agentsGetTheirIdentityAndTokenInTheEnvironment() throws Exception {
        Path env = dir.resolve("env-out");
        Http.Answer a = http.post("/v1/namespaces/default/agents", "{\"name\":\"who\",\"spec\":{\"command\":\"/bin/sh\","
                + "\"args\":[\"-c\",\"env > " + env + ".tmp; mv " + env + ".tmp " + env + "; sleep 60\"],"
                + "\"env\":{\"GREETING\":\"hi\"}}}");
        assertThat(a.status()).isEqualTo(201);
        await().atMost(Cluster.eventually()).until(() -> Files.exists(env));
        String out = Files.readString(env);
        JsonNode agent = agent("who");
        assertThat(out).contains("GREETING=hi").contains("AGENTD_AGENT_NAME=who").contains("AGENTD_NAMESPACE=default")
                .contains("AGENTD_FENCING_TOKEN=" + agent.path("fencingToken").asLong())
                .contains("AGENTD_AGENT_ID=" + agent.path("id").asLong()).contains("AGENTD_LOCAL_API=");
        await().atMost(Cluster.eventually()).until(() -> agent("who").path("state").asText().equals("running"));
    }

    @Test
    void logsComeFromTheWorkerAndAgentsSaveCheckpointsThroughTheLocalApi() throws Exception {
        Http.Answer a = http.post("/v1/namespaces/default/agents", "{\"name\":\"talker\",\"spec\":{\"command\":\"/bin/sh\","
                + "\"args\":[\"-c\",\"echo line-1; echo line-2 >&2; curl -sf -X PUT -H \\\"Authorization: Bearer "
                + "$AGENTD_AGENT_SECRET\\\" --data '{\\\"step\\\":3}' $AGENTD_LOCAL_API/v1/self/checkpoint "
                + "&& echo saved; sleep 60\"]}}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        await().atMost(Cluster.eventually()).ignoreExceptions().until(() ->
                http.get("/v1/namespaces/default/agents/talker/logs?tail=10").json().path("lines").toString()
                        .contains("saved"));
        io.agentd.cli.AgentctlRun logs = io.agentd.cli.AgentctlRun.agentctl(
                java.util.Map.of("AGENTCTL_ADDR", node.httpAddress().toString()), "logs", "talker", "--tail", "5");
        assertThat(logs.exitCode()).as(logs.err()).isZero();
        assertThat(logs.out()).contains("line-1").contains("line-2");
        JsonNode cp = http.get("/v1/namespaces/default/agents/talker/checkpoint").json();
        assertThat(cp.path("data").asText()).isEqualTo("{\"step\":3}");
        // Without the agent's secret the local API refuses.
        Http local = new Http("http://" + worker.address());
        assertThat(local.send("PUT", "/v1/self/checkpoint", "x", "Authorization", "Bearer wrong").status()).isEqualTo(401);
    }

    @Test
    void logsFollowPrintsEveryNewLineOnceAndLogsOutliveTheRun() throws Exception {
        Http.Answer a = http.post("/v1/namespaces/default/agents", "{\"name\":\"counter\",\"spec\":{"
                + "\"command\":\"/bin/bash\",\"args\":[\"-c\",\"for i in $(seq 1 100000); do echo n$i; sleep 0.05; done\"]}}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        await().atMost(Cluster.eventually()).ignoreExceptions().until(() ->
                http.get("/v1/namespaces/default/agents/counter/logs?tail=1").json().path("lines").size() == 1);
        java.util.Map<String, String> env = java.util.Map.of("AGENTCTL_ADDR", node.httpAddress().toString());
        io.agentd.cli.AgentctlRun run = io.agentd.cli.AgentctlRun.agentctl(env, "logs", "counter", "--tail", "3",
                "--follow", "--for", "2s");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Integer> numbers = run.out().lines().filter(l -> l.matches("n[0-9]+"))
                .map(l -> Integer.parseInt(l.substring(1))).toList();
        assertThat(numbers.size()).as(run.out()).isGreaterThan(10); // 3 from the tail, then ~20 a second
        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).as("no line repeated or skipped: " + numbers).isEqualTo(numbers.get(0) + i);
        }
        // Stopped, it runs nowhere; its logs still come from the worker that ran it.
        assertThat(http.post("/v1/namespaces/default/agents/counter/stop", null).status()).isEqualTo(200);
        await().atMost(Cluster.eventually()).until(() -> agent("counter").path("state").asText().equals("stopped"));
        JsonNode after = http.get("/v1/namespaces/default/agents/counter/logs?tail=2").json();
        assertThat(after.path("worker").asText()).isEqualTo("sup");
        assertThat(after.path("lines")).hasSize(2);
        assertThat(io.agentd.cli.AgentctlRun.agentctl(env, "logs", "counter", "--for", "1s").exitCode()).isEqualTo(2);
        assertThat(http.get("/v1/namespaces/default/agents/counter/logs?cursor=nonsense").status()).isEqualTo(400);
    }

    @Test
    void agentsReportHealthAndProgressThroughTheLocalApi() throws Exception {
        Path script = dir.resolve("healthy.sh");
        Path answers = dir.resolve("healthy.answers");
        // Three good reports close together (each one's answer waits for its turn to be sent, so
        // they go out side by side), then a bad status word and a checkpoint over the
        // coordinators' limit: the local API answers each with what the coordinators said.
        Files.writeString(script, """
                for s in 1 2 3; do
                  curl -s -X PUT -H "Authorization: Bearer $AGENTD_AGENT_SECRET" \\
                    --data "{\\"status\\":\\"degraded\\",\\"progress\\":\\"step $s of 3\\"}" \\
                    "$AGENTD_LOCAL_API/v1/self/health" > ANSWERS.$s &
                  sleep 0.3
                done
                wait
                curl -s -o /dev/null -w 'health %{http_code}\\n' -X PUT -H "Authorization: Bearer $AGENTD_AGENT_SECRET" \\
                  --data '{"status":"great"}' "$AGENTD_LOCAL_API/v1/self/health" >> ANSWERS
                head -c 70000 /dev/zero | tr '\\0' x > ANSWERS.big
                curl -s -o /dev/null -w 'checkpoint %{http_code}\\n' -X PUT \\
                  -H "Authorization: Bearer $AGENTD_AGENT_SECRET" --data-binary @ANSWERS.big \\
                  "$AGENTD_LOCAL_API/v1/self/checkpoint" >> ANSWERS
                exec sleep 600
                """.replace("ANSWERS", answers.toString()));
        Http.Answer a = http.post("/v1/namespaces/default/agents", "{\"name\":\"healthy\",\"spec\":{"
                + "\"command\":\"/bin/sh\",\"args\":[\"" + script + "\"]}}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        // The first went out at once; the second waited for its turn and was replaced by the third.
        await().atMost(Cluster.eventually()).until(() -> "step 3 of 3".equals(
                agent("healthy").path("health").path("progress").asText()));
        await().atMost(Cluster.eventually()).until(() -> Files.exists(Path.of(answers + ".3"))
                && !Files.readString(Path.of(answers + ".3")).isEmpty());
        assertThat(Files.readString(Path.of(answers + ".1"))).isEqualTo("{\"accepted\":true}");
        assertThat(Files.readString(Path.of(answers + ".2"))).isEqualTo("{\"accepted\":true,\"replaced\":true}");
        assertThat(Files.readString(Path.of(answers + ".3"))).isEqualTo("{\"accepted\":true}");
        assertThat(agent("healthy").path("health").path("status").asText()).isEqualTo("degraded");
        io.agentd.cli.AgentctlRun describe = io.agentd.cli.AgentctlRun.agentctl(
                java.util.Map.of("AGENTCTL_ADDR", node.httpAddress().toString()), "describe", "healthy");
        assertThat(describe.out()).contains("Health:").contains("degraded: step 3 of 3");
        // The coordinators judge what a report or a checkpoint may hold; the agent gets their answer.
        await().atMost(Cluster.eventually()).until(() -> Files.exists(answers)
                && Files.readAllLines(answers).size() == 2);
        assertThat(Files.readAllLines(answers)).containsExactly("health 400", "checkpoint 400");
        assertThat(agent("healthy").path("health").path("status").asText()).isEqualTo("degraded");
        // Without the agent's secret the local API refuses.
        Http local = new Http("http://" + worker.address());
        assertThat(local.send("PUT", "/v1/self/health", "{\"status\":\"ok\"}", "Authorization", "Bearer nope")
                .status()).isEqualTo(401);
        long token = agent("healthy").path("fencingToken").asLong();
        assertThat(http.post("/v1/namespaces/default/agents/healthy/health",
                "{\"fencingToken\":" + token + ",\"status\":\"great\"}").status()).isEqualTo(400);
        assertThat(http.post("/v1/namespaces/default/agents/healthy/health",
                "{\"fencingToken\":" + (token + 1000) + ",\"status\":\"ok\"}").status()).isEqualTo(409);
    }
}
