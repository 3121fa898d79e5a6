package io.agentd.worker.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentProcessTest {
    /** An agent that reports SIGTERM and goes on, with a child that ignores SIGTERM. */
    private static final String STUBBORN = """
            trap 'echo got-term' TERM
            bash -c 'trap "" TERM; exec sleep 300' &
            echo child=$!
            while :; do sleep 0.1; done
            """;

    @TempDir
    Path dir;
    private final TestProcesses procs = new TestProcesses();

    @AfterEach
    void cleanUp() {
        procs.close();
    }

    @Test
    void runsWithItsArgsEnvAndWorkingDirAndReportsItsExitCode() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        AgentLaunch launch = new AgentLaunch("a1", "bash",
                List.of("-c", "echo \"args=$1|$2 foo=$FOO pwd=$PWD\"; echo oops >&2; compgen -e | sed 's/^/env:/'; exit 7",
                        "agent", "a b", "c"),
                Map.of("FOO", "bar baz", "PATH", System.getenv("PATH")), work, dir.resolve("logs"), 1 << 20, 3,
                Duration.ofSeconds(30), Duration.ofSeconds(1), TestProcesses.script(dir));

        AgentProcess agent = procs.start(launch);

        assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(agent.alive()).isFalse();
        assertThat(agent.pid()).isPositive().isNotEqualTo(agent.watchdogPid());
        List<String> log = Files.readAllLines(agent.logFile());
        assertThat(log.get(0)).as("the agent's first line, not the watchdog's").startsWith("args=");
        assertThat(log).noneMatch(l -> l.startsWith("agentd-watchdog: agent pid"));
        assertThat(log).contains("args=a b|c foo=bar baz pwd=" + work.toRealPath(), "oops");
        // Nothing of the worker's environment leaks in; bash adds only what a shell adds.
        assertThat(log.stream().filter(l -> l.startsWith("env:")).map(l -> l.substring(4)))
                .contains("FOO", "PATH").isSubsetOf("FOO", "PATH", "PWD", "SHLVL", "OLDPWD", "_");
    }

    @Test
    void stopSendsTermThenKillAfterTheGraceToTheWholeGroup() throws Exception {
        AgentProcess agent = procs.start(TestProcesses.launch(dir, "a2", Duration.ofSeconds(30), STUBBORN));
        long child = childOf(agent);
        await().atMost(Duration.ofSeconds(10)).until(() -> comm(child).equals("sleep"));

        long t0 = System.nanoTime();
        var exit = agent.stop(Duration.ofMillis(1500));

        await().atMost(Duration.ofSeconds(5)).until(() -> log(agent).contains("got-term"));
        assertThat(TestProcesses.alive(agent.pid())).as("the agent handles SIGTERM and lives on").isTrue();
        assertThat(TestProcesses.alive(child)).as("the child ignores SIGTERM").isTrue();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(137);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(elapsedMs).as("SIGKILL waits for the grace").isGreaterThanOrEqualTo(1400);
        assertThat(TestProcesses.alive(agent.pid())).isFalse();
        assertThat(TestProcesses.alive(child)).as("the child in the agent's group got SIGKILL too").isFalse();
        assertThat(log(agent)).contains("agentd-watchdog: stop requested", "agentd-watchdog: grace is over");
    }

    @Test
    void anAgentThatExitsHasTheRestOfItsGroupStopped() throws Exception {
        AgentProcess agent = procs.start(TestProcesses.launch(dir, "a3", Duration.ofSeconds(30),
                "sleep 300 & echo child=$!; exit 3"));
        long child = childOf(agent);

        assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(TestProcesses.alive(child)).isFalse();
    }

    @Test
    void anExpiredLeaseKillsTheAgentAndItsChildren() throws Exception {
        long t0 = System.nanoTime();
        AgentProcess agent = procs.start(TestProcesses.launch(dir, "a4", Duration.ofSeconds(1),
                "sleep 300 & echo child=$!; wait"));
        long child = childOf(agent);

        assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(143);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(elapsedMs).as("dead within lease + 1.5 s").isBetween(900L, 2500L);
        assertThat(TestProcesses.alive(agent.pid())).isFalse();
        assertThat(TestProcesses.alive(child)).isFalse();
        assertThat(log(agent)).contains("agentd-watchdog: lease expired");
    }

    @Test
    void extendedLeasesKeepTheAgentRunningPastSeveralLeaseLengths() throws Exception {
        AgentProcess agent = procs.start(TestProcesses.launch(dir, "a5", Duration.ofSeconds(1), "sleep 300"));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (System.nanoTime() < until) {
            agent.extendLease(Duration.ofSeconds(1));
            Thread.sleep(200);
            assertThat(agent.alive()).isTrue();
        }
        assertThat(TestProcesses.alive(agent.pid())).isTrue();

        // Then the renewals stop, and so does the agent.
        assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(143);
    }

    @Test
    void aShorterLeaseReplacesALongerOne() throws Exception {
        AgentProcess agent = procs.start(TestProcesses.launch(dir, "a6", Duration.ofSeconds(60), "sleep 300"));
        agent.extendLease(Duration.ZERO);
        assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(143);
    }

    @Test
    void killEndsTheAgentAndItsGroupWithoutGrace() throws Exception {
        AgentProcess agent = procs.start(TestProcesses.launch(dir, "a7", Duration.ofSeconds(30), STUBBORN));
        long child = childOf(agent);
        await().atMost(Duration.ofSeconds(10)).until(() -> comm(child).equals("sleep"));

        agent.kill();

        assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(137);
        assertThat(TestProcesses.alive(agent.pid())).isFalse();
        assertThat(TestProcesses.alive(child)).isFalse();
        assertThat(log(agent)).doesNotContain("got-term");
    }

    @Test
    void aFrozenWatchdogNeitherBlocksTheCallerNorSurvivesAStop() throws Exception {
        AgentProcess agent = procs.start(TestProcesses.launch(dir, "a10", Duration.ofSeconds(60), "sleep 300"));
        TestProcesses.signal(agent.watchdogPid(), "STOP");

        // Renew for 1.5 s, far more lines than the pipe holds: no call may wait for the watchdog.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        long slowest = 0;
        int calls = 0;
        while (System.nanoTime() < until) {
            long t0 = System.nanoTime();
            agent.extendLease(Duration.ofSeconds(60));
            slowest = Math.max(slowest, System.nanoTime() - t0);
            calls++;
        }
        assertThat(calls).isGreaterThan(10_000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).isLessThan(200);

        // The stop is never read; five seconds after its grace, kill() takes over.
        var exit = agent.stop(Duration.ZERO);
        assertThat(exit.get(15, TimeUnit.SECONDS)).isEqualTo(137);
        assertThat(TestProcesses.alive(agent.pid())).isFalse();
    }

    @Test
    void aCommandThatCannotRunExitsWith127() throws Exception {
        AgentLaunch launch = new AgentLaunch("a8", "/nonexistent/agent", List.of(), Map.of(), null,
                dir.resolve("logs"), 1 << 20, 3, Duration.ofSeconds(30), Duration.ofSeconds(1),
                TestProcesses.script(dir));
        AgentProcess agent = procs.start(launch);

        assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(127);
        assertThat(log(agent)).contains("/nonexistent/agent");
    }

    @Test
    void logRotationKeepsAtMostTheConfiguredFilesOfAtMostTheSizeLimit() throws Exception {
        AgentLaunch launch = new AgentLaunch("a9", "bash",
                List.of("-c", "for i in $(seq 1 3000); do printf 'line %05d of the agent log, padded to look real\\n' $i; done"),
                Map.of("PATH", System.getenv("PATH")), null, dir.resolve("logs"), 4096, 3, Duration.ofSeconds(30),
                Duration.ofSeconds(1), TestProcesses.script(dir));
        AgentProcess agent = procs.start(launch);
        assertThat(agent.exitFuture().get(20, TimeUnit.SECONDS)).isZero();

        List<String> files;
        try (var list = Files.list(dir.resolve("logs"))) {
            files = list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertThat(files).containsExactly("agent.log", "agent.log.1", "agent.log.2", RotatingLog.SEQ_FILE);
        List<String> all = new ArrayList<>();
        for (String name : List.of("agent.log.2", "agent.log.1", "agent.log")) {
            Path file = dir.resolve("logs").resolve(name);
            assertThat(Files.size(file)).isLessThanOrEqualTo(4096);
            all.addAll(Files.readAllLines(file));
        }
        // Whole lines only, in order, the newest ones kept.
        assertThat(all).allMatch(l -> l.matches("line \\d{5} of the agent log, padded to look real"));
        assertThat(all.get(all.size() - 1)).startsWith("line 03000 ");
        assertThat(Files.size(dir.resolve("logs").resolve("agent.log.1"))).isGreaterThan(3000);
        assertThat(LogTail.lastLines(dir.resolve("logs"), 3)).containsExactly(
                "line 02998 of the agent log, padded to look real",
                "line 02999 of the agent log, padded to look real",
                "line 03000 of the agent log, padded to look real");
    }

    @Test
    void anAgentStartedFromASpareRunsAndTheSpareIsReplacedAndTheRestLetGoAtClose() throws Exception {
        Path script = TestProcesses.script(dir);
        try (WatchdogSpares spares = new WatchdogSpares(script, dir, 2)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> spares.ready() == 2);
            List<Long> before = spareWatchdogs();
            assertThat(before).hasSize(2);

            AgentLaunch launch = new AgentLaunch("s1", "bash", List.of("-c", "echo \"hi $FOO\"; exit 4"),
                    Map.of("FOO", "there", "PATH", System.getenv("PATH")), null, dir.resolve("logs-s1"), 1 << 20, 3,
                    Duration.ofSeconds(30), Duration.ofSeconds(1), script);
            AgentProcess agent = procs.track(AgentProcess.start(launch, spares));

            assertThat(before).as("one of the spares runs it").contains(agent.watchdogPid());
            assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(Files.readAllLines(agent.logFile())).contains("hi there");
            await().atMost(Duration.ofSeconds(20)).until(() -> spares.ready() == 2);
            assertThat(spareWatchdogs()).hasSize(2).doesNotContain(agent.watchdogPid());
            List<Long> left = spareWatchdogs();

            spares.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> left.stream().noneMatch(TestProcesses::alive));
            assertThat(spares.ready()).isZero();
        }
    }

    @Test
    void aWorkingDirectoryThatCannotBeEnteredIsAnExitWith127AndALogLine() throws Exception {
        AgentLaunch launch = new AgentLaunch("a10", "true", List.of(), Map.of(), dir.resolve("nowhere"),
                dir.resolve("logs"), 1 << 20, 3, Duration.ofSeconds(30), Duration.ofSeconds(1), TestProcesses.script(dir));
        AgentProcess agent = procs.start(launch);
        assertThat(agent.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(127);
        assertThat(log(agent)).contains("agentd-watchdog: cannot enter the working directory " + dir.resolve("nowhere"));
    }

    /** This JVM's watchdogs started as spares (whether or not one runs an agent by now). */
    private static List<Long> spareWatchdogs() {
        return ProcessHandle.current().children()
                .filter(c -> c.info().arguments().map(a -> List.of(a).contains("--spare")).orElse(false))
                .map(ProcessHandle::pid).sorted().collect(Collectors.toList());
    }

    private long childOf(AgentProcess agent) {
        procs.session(agent.pid());
        Pattern p = Pattern.compile("child=(\\d+)");
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            Matcher m = p.matcher(log(agent));
            return m.find() ? Long.parseLong(m.group(1)) : -1L;
        }, pid -> pid > 0);
    }

    private static String log(AgentProcess agent) {
        try {
            return Files.readString(agent.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
