package io.agentd.jepsen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The safety runs of the README's test command: a short combined run of every workload under
 * every fault must find nothing, and each deliberately broken build must be caught by its
 * checker. Real processes in network namespaces (root, as CI runs); the broken-build runs need
 * network faults and are skipped, saying so, where namespaces or iptables are unavailable.
 */
class SafetyRunTest {
    private static final Path RUNS = Path.of("target", "jepsen-runs");

    private record Outcome(int exit, String output, JsonNode verdicts) {
    }

    private static Outcome run(String name, String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Path out = RUNS.resolve(name).toAbsolutePath();
        deleteTree(out); // a run starts from empty data dirs: what an earlier run left would be its state
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        int exit = Runner.run(all, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        JsonNode verdicts = out.resolve("verdicts.json").toFile().exists()
                ? new ObjectMapper().readTree(out.resolve("verdicts.json").toFile()) : null;
        return new Outcome(exit, text, verdicts);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    private static void assumeNetworkFaults() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean iptables = io.agentd.jepsen.harness.Shell.tryRun("sh", "-c", "command -v iptables").exit() == 0;
        Assumptions.assumeTrue(root && iptables,
                "network faults need root and iptables (jepsen-tests/run installs it): broken-build runs skipped");
    }

    /**
     * Every workload under every fault: no anomaly. The faults come in rounds (each once before any
     * twice) and the run is long enough for a round, so each kind really ran; a machine that cannot
     * run some kind (no root, iptables or libfaketime) makes this a skip that says which, after the
     * checkers of what did run have been asserted.
     */
    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void aShortCombinedRunUnderEveryFaultFindsNoAnomaly() throws Exception {
        Outcome o = run("combined", "--workload", "all", "--nemesis", "all", "--time-limit", "110",
                "--seed", System.getProperty("jepsen.seed", "20261129"));
        assertThat(o.exit()).as(o.output()).isZero();
        assertThat(o.verdicts().path("checkers").path("register").path("verdict").asText()).isEqualTo("linearizable");
        assertThat(o.verdicts().path("checkers").path("set").path("lost")).isEmpty();
        assertThat(o.verdicts().path("checkers").path("lease").path("valid").asBoolean()).isTrue();
        assertThat(o.verdicts().path("checkers").path("replicas").path("verdict").asText()).isEqualTo("replicas agree");
        assertThat(RUNS.resolve("combined").resolve("latency.png")).exists();

        java.util.Set<String> inForce = new java.util.TreeSet<>();
        o.verdicts().path("nemesis").forEach(n -> inForce.add(n.asText()));
        java.util.Set<String> missing = new java.util.TreeSet<>();
        for (io.agentd.jepsen.harness.Nemesis.Fault f : io.agentd.jepsen.harness.Nemesis.Fault.values()) {
            if (!inForce.contains(f.word())) {
                missing.add(f.word());
            }
        }
        Assumptions.assumeTrue(missing.isEmpty(), "these faults cannot run on this machine and were left out: "
                + missing + " (see the run's first lines: " + o.output().lines().limit(3).toList() + ")");
        java.util.Set<String> injected = new java.util.TreeSet<>();
        for (String line : java.nio.file.Files.readAllLines(RUNS.resolve("combined").resolve("timeline.jsonl"))) {
            JsonNode e = new ObjectMapper().readTree(line);
            if ("start".equals(e.path("type").asText())) {
                injected.add(e.path("fault").asText());
            }
        }
        assertThat(injected).as("every fault kind was injected at least once").containsAll(inForce);
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void readsThatSkipTheLeadershipCheckAreCaughtByTheLinearizabilityChecker() throws Exception {
        assumeNetworkFaults();
        Outcome o = run("broken-stale-reads", "--workload", "register", "--nemesis", "partition", "--time-limit", "20",
                "--seed", "7", "--unsafe-stale-reads");
        assertThat(o.exit()).as(o.output()).isEqualTo(1);
        assertThat(o.verdicts().path("checkers").path("register").path("verdict").asText()).isEqualTo("not linearizable");
        assertThat(RUNS.resolve("broken-stale-reads").resolve("check-register.txt"))
                .content().contains("NOT LINEARIZABLE").contains("the shortest failing prefix");
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aWorkerThatSkipsSelfFencingIsCaughtByTheLeaseChecker() throws Exception {
        assumeNetworkFaults();
        Outcome o = run("broken-no-fencing", "--workload", "lease", "--nemesis", "worker-cut", "--time-limit", "25",
                "--seed", "3", "--unsafe-no-fencing");
        assertThat(o.exit()).as(o.output()).isEqualTo(1);
        assertThat(o.verdicts().path("checkers").path("lease").path("problems").toString()).contains("at the same time");
    }

    @Test
    void badUsageExitsTwoAndNamesTheProblem() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = Runner.run(new String[] {"--workload", "bank"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("unknown workload 'bank'").contains("usage:");
        buf.reset();
        assertThat(Runner.run(new String[] {"--time-limit", "soon"}, new PrintStream(buf, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("--time-limit must be a whole number");
    }

    /** Its servers' data dirs would be reused, and the run would start from the last run's state. */
    @Test
    void aRunRefusesAnOutputDirectoryThatHoldsAnEarlierRun() throws Exception {
        Path used = java.nio.file.Files.createTempDirectory("used-run");
        java.nio.file.Files.createDirectories(used.resolve("n1"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = Runner.run(new String[] {"--out", used.toString(), "--time-limit", "5", "--nemesis", "none"},
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("already holds files");
        deleteTree(used);
    }
}
