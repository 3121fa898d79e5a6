package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.cli.AgentctlRun;
import io.agentd.daemon.CoordinatorNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** agentctl, run in-process through its real factory, against a real coordinator. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentctlEndToEndTest {
    @TempDir
    static Path dir;
    CoordinatorNode node;
    String addr;

    @BeforeAll
    void start() throws Exception {
        node = DevNode.start(dir);
        addr = node.httpAddress().toString();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private AgentctlRun ctl(String... args) {
        return AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", addr), args);
    }

    @Test
    void spawnGetListInJsonAndTable() throws Exception {
        AgentctlRun spawn = ctl("spawn", "e2e-a", "--cmd", "/bin/sleep", "--arg", "5", "--label", "team=x", "-o", "json");
        assertThat(spawn.exitCode()).as(spawn.err()).isZero();
        JsonNode a = Http.JSON.readTree(spawn.out());
        assertThat(a.path("name").asText()).isEqualTo("e2e-a");
        assertThat(a.path("state").asText()).isEqualTo("pending");
        assertThat(a.has("worker")).isTrue();
        assertThat(a.has("fencingToken")).isTrue();
        assertThat(a.path("revision").asLong()).isPositive();

        AgentctlRun get = ctl("get", "e2e-a", "-o", "json");
        assertThat(get.exitCode()).isZero();
        assertThat(Http.JSON.readTree(get.out()).path("id").asLong()).isEqualTo(a.path("id").asLong());

        AgentctlRun list = ctl("list", "--label", "team=x", "-o", "json");
        assertThat(list.exitCode()).isZero();
        JsonNode arr = Http.JSON.readTree(list.out());
        assertThat(arr.isArray()).isTrue();
        assertThat(arr).anySatisfy(x -> assertThat(x.path("name").asText()).isEqualTo("e2e-a"));

        AgentctlRun table = ctl("list");
        assertThat(table.exitCode()).isZero();
        String[] lines = table.out().split("\n");
        assertThat(lines[0]).contains("NAME").contains("STATE");
        int col = lines[0].indexOf("STATE");
        List<String> rows = java.util.Arrays.stream(lines).skip(1).filter(l -> l.contains(" e2e-a ")).toList();
        assertThat(rows).as("one row for e2e-a in\n" + table.out()).hasSize(1);
        assertThat(rows.get(0).substring(col)).startsWith("pending");
    }

    @Test
    void listJoinsPagesInOrderWithoutRepeats() throws Exception {
        AgentctlRun ns = ctl("namespace", "create", "paged");
        assertThat(ns.exitCode()).as(ns.err()).isZero();
        for (int i = 0; i < 5; i++) {
            AgentctlRun spawn = ctl("spawn", "page-" + i, "-n", "paged", "--cmd", "/bin/true");
            assertThat(spawn.exitCode()).as(spawn.err()).isZero();
        }
        AgentctlRun list = ctl("list", "-n", "paged", "--chunk-size", "2", "-o", "json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        List<String> names = new ArrayList<>();
        Http.JSON.readTree(list.out()).forEach(x -> names.add(x.path("name").asText()));
        assertThat(names).containsExactly("page-0", "page-1", "page-2", "page-3", "page-4");
        AgentctlRun bad = ctl("list", "-n", "paged", "--chunk-size", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--chunk-size");
    }

    @Test
    void exitCodesFollowTheContract() {
        assertThat(ctl("get", "no-such-agent").exitCode()).isEqualTo(3);
        AgentctlRun bad = ctl("spawn", "Bad_Name", "--cmd", "x");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("DNS label");
        assertThat(bad.out()).isEmpty();
        assertThat(ctl("namespace", "create", "e2e-q", "--max-agents", "1").exitCode()).isZero();
        assertThat(ctl("spawn", "q1", "-n", "e2e-q", "--cmd", "x").exitCode()).isZero();
        assertThat(ctl("spawn", "q2", "-n", "e2e-q", "--cmd", "x").exitCode()).isEqualTo(5);
        assertThat(ctl("spawn", "q1", "-n", "e2e-q", "--cmd", "y").exitCode()).isEqualTo(4);
        assertThat(ctl("meta", "set", "q1", "k", "v", "-n", "e2e-q", "--if-version", "0").exitCode()).isZero();
        assertThat(ctl("meta", "set", "q1", "k", "v", "-n", "e2e-q", "--if-version", "0").exitCode()).isEqualTo(4);
        AgentctlRun meta = ctl("meta", "get", "q1", "k", "-n", "e2e-q", "-o", "json");
        assertThat(meta.exitCode()).isZero();
        assertThat(meta.out()).contains("\"value\"");
    }

    @Test
    void clusterStatusNamesTheLeader() throws Exception {
        AgentctlRun s = ctl("cluster", "status", "-o", "json");
        assertThat(s.exitCode()).as(s.err()).isZero();
        JsonNode j = Http.JSON.readTree(s.out());
        assertThat(j.path("leader").asText()).isEqualTo("n1");
        assertThat(j.path("term").asLong()).isPositive();
        assertThat(j.path("members").isArray()).isTrue();
        assertThat(j.path("members").get(0).path("version").asText())
                .as("the member's build, as agentctl version prints its own").isEqualTo(io.agentd.client.BuildInfo.describe());
    }

    @Test
    void failsOverFromADeadEndpointAndReportsUnavailableWhenAllAreDead() {
        String dead = "127.0.0.1:" + Ports.free();
        AgentctlRun ok = AgentctlRun.agentctl(Map.of(), "--addr", dead + "," + addr, "cluster", "status");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        AgentctlRun none = AgentctlRun.agentctl(Map.of(), "--addr", dead, "--timeout", "3s", "cluster", "status");
        assertThat(none.exitCode()).isEqualTo(6);
    }
}
