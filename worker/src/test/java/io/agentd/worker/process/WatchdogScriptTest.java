package io.agentd.worker.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The script's protocol, spoken directly over its stdin. */
class WatchdogScriptTest {
    @TempDir
    Path dir;
    private final TestProcesses procs = new TestProcesses();

    @AfterEach
    void cleanUp() {
        procs.close();
    }

    @Test
    void relativeDeadlinesExtendTheLeaseAndMalformedLinesAreIgnored() throws Exception {
        Watchdog w = start("800", "sleep 300");
        w.send("next week");
        w.send("stop soon");
        Thread.sleep(300);
        w.send("1500"); // now ends about 1.8 s after the start

        Thread.sleep(900);
        assertThat(w.process.isAlive()).as("alive past the first deadline").isTrue();
        assertThat(w.process.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(w.process.exitValue()).isEqualTo(143);
        assertThat(w.allOutput()).contains("agentd-watchdog: ignoring malformed line: next week",
                "agentd-watchdog: ignoring malformed line: stop soon", "agentd-watchdog: lease expired");
    }

    @Test
    void theAgentsExitWakesTheWatchdogWithoutALineFromTheWorker() throws Exception {
        // Between lines the watchdog sleeps up to 5 s (NAP_MS); the agent's sentinel must wake it.
        Watchdog w = start("60000", "sleep 0.3; exit 3");
        w.agentPid();
        assertThat(w.process.waitFor(3, TimeUnit.SECONDS)).as("exit seen without a line on stdin").isTrue();
        assertThat(w.process.exitValue()).isEqualTo(3);
        assertThat(w.allOutput()).doesNotContain("agentd-watchdog: lease expired");
    }

    @Test
    void anAbsoluteDeadlineInThePastStopsTheAgentAtOnce() throws Exception {
        Watchdog w = start("60000", "sleep 300");
        w.send("@" + (BootClock.millis() - 1000));
        assertThat(w.process.waitFor(2, TimeUnit.SECONDS)).isTrue();
        assertThat(w.process.exitValue()).isEqualTo(143);
    }

    @Test
    void closingTheLeasePipeKillsTheAgentWellWithinASecond() throws Exception {
        Watchdog w = start("60000", "trap '' TERM; sleep 300 & wait");
        long agent = w.agentPid();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> AgentSession.members(agent, AgentSession.startTicks(agent)).size() == 2);
        List<Long> session = AgentSession.members(agent, AgentSession.startTicks(agent));

        long t0 = System.nanoTime();
        w.process.getOutputStream().close();

        await().atMost(Duration.ofMillis(1000)).pollInterval(Duration.ofMillis(10))
                .until(() -> session.stream().noneMatch(TestProcesses::alive));
        System.out.printf("agent that ignores SIGTERM gone %d ms after end of file%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertThat(w.process.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(w.process.exitValue()).isEqualTo(137);
    }

    @Test
    void sigtermToTheWatchdogStopsTheAgentAndPassesOnItsExitCode() throws Exception {
        Watchdog w = start("60000", "trap 'echo bye; exit 5' TERM; while :; do sleep 0.1; done");
        w.agentPid();
        TestProcesses.signal(w.process.pid(), "TERM");
        assertThat(w.process.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(w.process.exitValue()).isEqualTo(5);
        assertThat(w.allOutput()).contains("agentd-watchdog: got SIGTERM", "bye");
    }

    @Test
    void theWatchdogAgentAndGuardEachHaveASessionOfTheirOwn() throws Exception {
        Watchdog w = start("60000", "sleep 300");
        long agent = w.agentPid();
        long watchdog = w.process.pid();
        assertThat(sessionOf(watchdog)).isEqualTo(watchdog);
        // The agent prints its pid line just before it calls setsid and execs the command.
        await().atMost(Duration.ofSeconds(5)).until(() -> sessionOf(agent) == agent
                && Files.readString(Path.of("/proc", Long.toString(agent), "cmdline")).startsWith("sleep"));
        long guard = await().atMost(Duration.ofSeconds(5)).until(() -> guardOf(watchdog), g -> g > 0);
        assertThat(sessionOf(guard)).isEqualTo(guard);
        assertThat(Files.readString(Path.of("/proc", Long.toString(agent), "cmdline"))).isEqualTo("sleep\0" + "300\0");
        // The agent holds nothing of the watchdog's: stdin is /dev/null, no stray fds.
        List<String> fds = new ArrayList<>();
        try (var list = Files.list(Path.of("/proc", Long.toString(agent), "fd"))) {
            list.forEach(p -> fds.add(p.getFileName().toString()));
        }
        assertThat(fds).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(agent), "fd", "0"))).hasToString("/dev/null");

        w.process.getOutputStream().close();
        assertThat(w.process.waitFor(5, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !TestProcesses.alive(guard));
    }

    @Test
    void badUsageExitsWith125() throws Exception {
        Process p = new ProcessBuilder("bash", TestProcesses.script(dir).toString(), "soon", "--", "true")
                .redirectErrorStream(true).start();
        procs.track(p);
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(125);
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("agentd-watchdog: DEADLINE must be N or @T");
    }

    @Test
    void aSpareRunsNothingUntilItsRecordAndThenGivesTheAgentExactlyTheRecordsEnvironment() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work dir"));
        Watchdog w = startSpare();
        long guard = await().atMost(Duration.ofSeconds(5)).until(() -> guardOf(w.process.pid()), g -> g > 0);
        // Set up and waiting: the guard is its only child (once its fd pipe's short-lived helper is gone).
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(w.process.pid()).orElseThrow().children().count() == 1);
        assertThat(w.process.isAlive()).isTrue();
        assertThat(w.output()).as("no agent before the record").isEmpty();

        AgentLaunch launch = new AgentLaunch("spare1", "/usr/bin/env", List.of(),
                java.util.Map.of("FOO", "two\nlines", "WEIRD", "a b  'c' $d"), work, dir.resolve("logs"), 1 << 20,
                2, Duration.ofSeconds(60), Duration.ofMillis(300), TestProcesses.script(dir));
        OutputStream in = w.process.getOutputStream();
        in.write(launch.record(BootClock.millis() + 60_000));
        in.flush();

        assertThat(w.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(w.process.exitValue()).isZero();
        String out = w.allOutput();
        assertThat(out).startsWith("agentd-watchdog: agent pid ");
        // env prints its environment: the record's two variables, nothing of the watchdog's (PATH).
        assertThat(out.substring(out.indexOf('\n') + 1)).isEqualTo("FOO=two\nlines\nWEIRD=a b  'c' $d\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> !TestProcesses.alive(guard));
    }

    @Test
    void aSpareRunsTheAgentInTheRecordsWorkingDirectoryWithItsArguments() throws Exception {
        Path work = Files.createDirectories(dir.resolve("w"));
        Watchdog w = startSpare();
        AgentLaunch launch = new AgentLaunch("spare2", "bash", List.of("-c", "echo \"$1|$2|$(pwd)\"", "x", "a  b", "c\nd"),
                java.util.Map.of("PATH", System.getenv("PATH")), work, dir.resolve("logs"), 1 << 20, 2,
                Duration.ofSeconds(60), Duration.ofMillis(300), TestProcesses.script(dir));
        OutputStream in = w.process.getOutputStream();
        in.write(launch.record(BootClock.millis() + 60_000));
        in.flush();
        assertThat(w.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(w.allOutput()).contains("a  b|c\nd|" + work.toRealPath() + "\n");
    }

    @Test
    void aSpareReportsAWorkingDirectoryItCannotEnterAs127() throws Exception {
        Watchdog w = startSpare();
        AgentLaunch launch = new AgentLaunch("spare3", "true", List.of(), java.util.Map.of(),
                dir.resolve("missing"), dir.resolve("logs"), 1 << 20, 2, Duration.ofSeconds(60), Duration.ofMillis(300),
                TestProcesses.script(dir));
        OutputStream in = w.process.getOutputStream();
        in.write(launch.record(BootClock.millis() + 60_000));
        in.flush();
        assertThat(w.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(w.process.exitValue()).isEqualTo(127);
        assertThat(w.allOutput()).contains("agentd-watchdog: cannot enter the working directory " + dir.resolve("missing"));
    }

    @Test
    void aSpareLetGoBeforeItsRecordExitsQuietlyAndSoDoesItsGuard() throws Exception {
        Watchdog w = startSpare();
        long guard = await().atMost(Duration.ofSeconds(5)).until(() -> guardOf(w.process.pid()), g -> g > 0);
        w.process.getOutputStream().close();
        assertThat(w.process.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(w.process.exitValue()).isZero();
        assertThat(w.allOutput()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> !TestProcesses.alive(guard));
    }

    @Test
    void aSpareStopsWaitingOnSigtermAndAMalformedRecordIs125() throws Exception {
        Watchdog w = startSpare();
        await().atMost(Duration.ofSeconds(5)).until(() -> guardOf(w.process.pid()) > 0);
        TestProcesses.signal(w.process.pid(), "TERM");
        assertThat(w.process.waitFor(5, TimeUnit.SECONDS)).as("within about a second of SIGTERM").isTrue();
        assertThat(w.process.exitValue()).isZero();

        Watchdog bad = startSpare();
        OutputStream in = bad.process.getOutputStream();
        in.write("agentd-launch-1\0soon\0".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        assertThat(bad.process.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.process.exitValue()).isEqualTo(125);
        assertThat(bad.allOutput()).contains("agentd-watchdog: malformed launch record (deadline)");
    }

    @Test
    void aRecordThatComesAsTheSparesWaitRunsOutIsReadWhole() throws Exception {
        // A spare waits for its record in reads of at most a second (it looks at signals between
        // them). When the record's first byte comes as such a read runs out of time, bash returns
        // that byte with the timeout status (> 128); it is the start of the record and must be kept,
        // not dropped (which made the record malformed: exit 125, no agent). The timing is made
        // certain here: the spare is stopped while it waits, gets its record, and is continued only
        // once the read in progress has run out of time.
        Watchdog w = startSpare();
        long pid = w.process.pid();
        await().atMost(Duration.ofSeconds(5)).until(() -> guardOf(pid) > 0
                && ProcessHandle.of(pid).orElseThrow().children().count() == 1 && state(pid) == 'S');
        TestProcesses.signal(pid, "STOP");
        long stopped = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(5)).until(() -> state(pid) == 'T');

        AgentLaunch launch = new AgentLaunch("spare5", "bash", List.of("-c", "echo ran; exit 3"),
                java.util.Map.of("PATH", System.getenv("PATH")), null, dir.resolve("logs"), 1 << 20, 2,
                Duration.ofSeconds(60), Duration.ofMillis(300), TestProcesses.script(dir));
        OutputStream in = w.process.getOutputStream();
        in.write(launch.record(BootClock.millis() + 60_000));
        in.flush();
        // The read in progress began before the stop, so its second (bash counts it on the wall
        // clock) is over by stopped + 1000 ms; this waits that out, it does not hope for it.
        long over = stopped + 1_000 + 100;
        for (long now = System.currentTimeMillis(); now < over; now = System.currentTimeMillis()) {
            Thread.sleep(over - now);
        }
        TestProcesses.signal(pid, "CONT");

        assertThat(w.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = w.allOutput();
        assertThat(out).doesNotContain("malformed launch record").startsWith("agentd-watchdog: agent pid ")
                .contains("ran\n");
        assertThat(w.process.exitValue()).as(out).isEqualTo(3);
    }

    /** The state letter of /proc/PID/stat: S sleeping, T stopped, ... */
    private static char state(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    private static long guardOf(long watchdog) {
        return ProcessHandle.of(watchdog).stream().flatMap(ProcessHandle::children)
                .filter(c -> c.info().arguments().map(a -> List.of(a).contains("--guard")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    private Watchdog startSpare() throws IOException {
        ProcessBuilder b = new ProcessBuilder("bash", TestProcesses.script(dir).toString(), "--spare").redirectErrorStream(true);
        b.environment().clear();
        b.environment().put("PATH", System.getenv("PATH"));
        return watch(procs.track(b.start()));
    }

    private Watchdog start(String deadline, String agentScript) throws IOException {
        Process p = new ProcessBuilder("bash", TestProcesses.script(dir).toString(), deadline, "--", "bash", "-c",
                agentScript).redirectErrorStream(true).start();
        return watch(procs.track(p));
    }

    private Watchdog watch(Process p) {
        Watchdog w = new Watchdog(p);
        w.pumper.start();
        return w;
    }

    private final class Watchdog {
        final Process process;
        final Thread pumper;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Watchdog(Process process) {
            this.process = process;
            this.pumper = new Thread(this::pump, "watchdog-output");
            pumper.setDaemon(true);
        }

        /** All it wrote: waits (bounded) until its output is closed. */
        String allOutput() throws InterruptedException {
            pumper.join(10_000);
            return output();
        }

        void pump() {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) != -1) {
                    synchronized (out) {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // ended
            }
        }

        String output() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        void send(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
        }

        long agentPid() {
            Pattern p = Pattern.compile("agentd-watchdog: agent pid (\\d+)");
            long pid = await().atMost(Duration.ofSeconds(10)).until(() -> {
                Matcher m = p.matcher(output());
                return m.find() ? Long.parseLong(m.group(1)) : -1L;
            }, x -> x > 0);
            procs.session(pid);
            return pid;
        }
    }
}
