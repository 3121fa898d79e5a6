package io.agentd.worker.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker JVM itself goes wrong: killed with -9, frozen with SIGSTOP, or its watchdog killed.
 * The worker is a child JVM running {@link FeederMain}.
 */
class WorkerDeathTest {
    @TempDir
    Path dir;
    @TempDir
    static Path classes;
    /** The child JVM's classpath: see {@link #snapshotTheClasses}. */
    private static String childClasspath;
    private final TestProcesses procs = new TestProcesses();

    /**
     * The child JVM runs from a copy of this build's classes, taken once before any child starts.
     * A build elsewhere in the tree (bin/agentd rebuilds on demand, another shell runs mvn) may
     * delete and rewrite target/classes at any time, and a JVM loads its classes lazily, as late as
     * its exit; a copy nobody else writes cannot change under it. Jars are released versions, which
     * no build rewrites.
     */
    @BeforeAll
    static void snapshotTheClasses() throws Exception {
        List<String> entries = new ArrayList<>();
        for (Class<?> c : List.of(FeederMain.class, AgentProcess.class, org.slf4j.LoggerFactory.class,
                Class.forName("org.slf4j.simple.SimpleServiceProvider"))) {
            Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(from)) {
                entries.add(from.toString());
                continue;
            }
            Path to = classes.resolve("cp" + entries.size());
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.toList()) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target);
                    }
                }
            }
            entries.add(to.toString());
        }
        childClasspath = String.join(File.pathSeparator, entries);
    }

    @AfterEach
    void cleanUp() {
        procs.close();
    }

    @Test
    void killingTheWorkerJvmWithSigkillKillsItsAgentsWithinAboutASecond() throws Exception {
        Worker worker = startWorker(60_000, 300, 2);
        List<Long> all = new ArrayList<>();
        for (long agent : worker.agentPids) {
            long start = AgentSession.startTicks(agent);
            await().atMost(Duration.ofSeconds(10)).until(() -> AgentSession.members(agent, start).size() == 2);
            all.addAll(AgentSession.members(agent, start));
        }
        assertThat(all).as("both agents' sessions, before the kill").hasSize(4).allMatch(TestProcesses::alive);

        long t0 = System.nanoTime();
        worker.process.destroyForcibly();

        await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(20))
                .until(() -> all.stream().noneMatch(TestProcesses::alive));
        System.out.printf("agents gone %d ms after kill -9 of the worker%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        for (long watchdog : worker.watchdogPids) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !TestProcesses.alive(watchdog));
        }
    }

    @Test
    void aFrozenWorkerCannotKeepItsAgentAlivePastTheLease() throws Exception {
        Worker worker = startWorker(1500, 200, 1);
        long agent = worker.agentPids.get(0);
        long start = AgentSession.startTicks(agent);
        await().atMost(Duration.ofSeconds(10)).until(() -> AgentSession.members(agent, start).size() == 2);
        List<Long> session = AgentSession.members(agent, start);
        Thread.sleep(2000); // several renewals have gone through: the lease would have run out by now otherwise
        assertThat(session).as("the agent's session, before the freeze").hasSize(2).allMatch(TestProcesses::alive);

        long t0 = System.nanoTime();
        TestProcesses.signal(worker.process.pid(), "STOP");

        // Last renewal at most 200 ms before the freeze: lease 1.5 s, SIGTERM ends it at once.
        await().atMost(Duration.ofMillis(2500)).pollInterval(Duration.ofMillis(20))
                .until(() -> session.stream().noneMatch(TestProcesses::alive));
        long deadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("agent gone %d ms after SIGSTOP of the worker%n", deadMs);
        assertThat(worker.process.isAlive()).isTrue();

        // Thawed, the worker renews into a closed pipe: nothing comes back to life.
        TestProcesses.signal(worker.process.pid(), "CONT");
        assertThat(worker.lines.poll(10, TimeUnit.SECONDS)).isEqualTo("exit 143");
        assertThat(worker.lines.poll(10, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(worker.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.process.exitValue()).isZero();
        assertThat(session).noneMatch(TestProcesses::alive);
        assertThat(AgentSession.members(agent, start)).isEmpty();
    }

    @Test
    void aFrozenWorkerThatNoLongerReadsTheAgentsOutputCannotKeepItAlive() throws Exception {
        // The agent fills the output pipe the moment the worker stops reading it; the watchdog,
        // which writes its own lines to the same pipe, must not get stuck behind it.
        Worker worker = startWorker(1500, 200, 1,
                "line=$(printf '%*s' 100000 ''); while :; do echo \"$line\"; sleep 0.05; done");
        long agent = worker.agentPids.get(0);
        long start = AgentSession.startTicks(agent);
        Thread.sleep(1000); // several renewals have gone through
        assertThat(TestProcesses.alive(agent)).as("the agent, before the freeze").isTrue();
        assertThat(AgentSession.members(agent, start)).as("the agent's session, before the freeze").isNotEmpty();

        long t0 = System.nanoTime();
        TestProcesses.signal(worker.process.pid(), "STOP");

        await().atMost(Duration.ofMillis(2500)).pollInterval(Duration.ofMillis(20))
                .until(() -> AgentSession.members(agent, start).isEmpty());
        System.out.printf("chatty agent gone %d ms after SIGSTOP of the worker%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Test
    void theGuardKillsTheAgentWhenItsWatchdogIsKilledWithSigkill() throws Exception {
        Worker worker = startWorker(60_000, 300, 1);
        long agent = worker.agentPids.get(0);
        long start = AgentSession.startTicks(agent);
        await().atMost(Duration.ofSeconds(10)).until(() -> AgentSession.members(agent, start).size() == 2);
        List<Long> session = AgentSession.members(agent, start);
        assertThat(session).as("the agent's session, before the kill").hasSize(2).allMatch(TestProcesses::alive);
        // Freeze the worker so that only the guard can act, not the JVM's own sweep.
        TestProcesses.signal(worker.process.pid(), "STOP");

        long t0 = System.nanoTime();
        TestProcesses.signal(worker.watchdogPids.get(0), "KILL");

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> session.stream().noneMatch(TestProcesses::alive));
        System.out.printf("agent gone %d ms after kill -9 of its watchdog%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private record Worker(Process process, List<Long> agentPids, List<Long> watchdogPids, BlockingQueue<String> lines) {
    }

    /** Starts FeederMain in a child JVM and waits until its agents run. */
    private Worker startWorker(long leaseMillis, long renewMillis, int agents, String... agentScript)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", childClasspath, FeederMain.class.getName(),
                dir.toString(), Long.toString(leaseMillis), Long.toString(renewMillis), Integer.toString(agents)));
        command.addAll(List.of(agentScript));
        Process process = procs.track(new ProcessBuilder(command)
                .redirectError(dir.resolve("worker.err").toFile())
                .start());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The worker was killed.
            }
        }, "worker-stdout");
        reader.setDaemon(true);
        reader.start();
        List<Long> agentPids = new ArrayList<>();
        List<Long> watchdogPids = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                if (!process.isAlive() && lines.isEmpty()) {
                    reader.join(1000);
                    if (lines.isEmpty()) {
                        throw new AssertionError("the worker died before its agents ran; its stderr:\n"
                                + Files.readString(dir.resolve("worker.err")));
                    }
                }
                if (System.nanoTime() > until) {
                    throw new AssertionError("no word from the worker in 30 s; its stderr:\n"
                            + Files.readString(dir.resolve("worker.err")));
                }
                continue;
            }
            if (line.equals("ready")) {
                return new Worker(process, agentPids, watchdogPids, lines);
            }
            String[] parts = line.split(" ");
            assertThat(parts[0]).isEqualTo("agent");
            long pid = Long.parseLong(parts[1]);
            assertThat(pid).isPositive();
            agentPids.add(pid);
            watchdogPids.add(Long.parseLong(parts[2]));
            procs.session(pid);
        }
    }
}
