package io.agentd.jepsen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agentd.jepsen.harness.Deployment;
import io.agentd.jepsen.harness.LoopbackNetwork;
import io.agentd.jepsen.harness.NamespaceNetwork;
import io.agentd.jepsen.harness.Nemesis;
import io.agentd.jepsen.harness.Network;
import io.agentd.jepsen.harness.NodeProcess;
import io.agentd.jepsen.harness.Timeline;
import io.agentd.jepsen.history.JsonLinesHistoryWriter;
import io.agentd.jepsen.report.LatencyPlot;
import io.agentd.jepsen.workload.Client;
import io.agentd.jepsen.workload.Latencies;
import io.agentd.jepsen.workload.LeaseWorkload;
import io.agentd.jepsen.workload.RegisterWorkload;
import io.agentd.jepsen.workload.SetWorkload;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jepsen-tests/run}: starts agentd servers (and workers) on their own hosts, runs the
 * chosen workloads while the nemesis injects faults, heals, and checks every workload's history.
 * Writes a folder with the histories, the fault timeline, each verdict (with the shortest failing
 * sub-history when one fails) and a latency plot with the fault windows shaded.
 *
 * <p>Exit codes: 0 every checker passed, 1 an anomaly was found, 2 bad usage or the run could not
 * be set up, 3 a checker could not decide in time.
 */
public final class Runner {
    static final String USAGE = """
            usage: jepsen-tests/run [--workload register,set,lease|all] [--nemesis kill,pause,partition,
                     clock,worker-cut,worker-pause,worker-kill|all|none] [--time-limit SECONDS] [--seed N]
                     [--servers 3|5] [--workers N] [--threads N] [--out DIR] [--loopback]
                     [--unsafe-stale-reads] [--unsafe-no-fencing] [--agentd-jar PATH]
            """;

    private Runner() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Options of one run. */
    public static final class Options {
        public Set<String> workloads = new LinkedHashSet<>(List.of("register", "set", "lease"));
        public List<Nemesis.Fault> faults = new ArrayList<>(List.of(Nemesis.Fault.values()));
        public int timeLimit = 60;
        public long seed = System.currentTimeMillis();
        public int servers = 3;
        public Integer workers;
        public int threads = 4;
        public Path out;
        public boolean loopback;
        public boolean unsafeStaleReads;
        public boolean unsafeNoFencing;
        public Path jar;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--workload" -> {
                        o.workloads = new LinkedHashSet<>(List.of(need(a, v).equals("all")
                                ? new String[] {"register", "set", "lease"} : v.split(",")));
                        for (String w : o.workloads) {
                            if (!List.of("register", "set", "lease").contains(w)) {
                                throw new IllegalArgumentException("unknown workload '" + w + "' (register, set, lease, all)");
                            }
                        }
                        i++;
                    }
                    case "--nemesis" -> {
                        o.faults = new ArrayList<>();
                        if (need(a, v).equals("all")) {
                            o.faults.addAll(List.of(Nemesis.Fault.values()));
                        } else if (!v.equals("none")) {
                            for (String f : v.split(",")) {
                                o.faults.add(Nemesis.Fault.parse(f));
                            }
                        }
                        i++;
                    }
                    case "--time-limit" -> {
                        o.timeLimit = number(a, need(a, v), 5, 86_400);
                        i++;
                    }
                    case "--seed" -> {
                        try {
                            o.seed = Long.parseLong(need(a, v));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--seed must be a whole number, not '" + v + "'");
                        }
                        i++;
                    }
                    case "--servers" -> {
                        o.servers = number(a, need(a, v), 1, 7);
                        i++;
                    }
                    case "--workers" -> {
                        o.workers = number(a, need(a, v), 0, 10);
                        i++;
                    }
                    case "--threads" -> {
                        o.threads = number(a, need(a, v), 1, 64);
                        i++;
                    }
                    case "--out" -> {
                        o.out = Path.of(need(a, v));
                        i++;
                    }
                    case "--agentd-jar" -> {
                        o.jar = Path.of(need(a, v));
                        i++;
                    }
                    case "--loopback" -> o.loopback = true;
                    case "--unsafe-stale-reads" -> o.unsafeStaleReads = true;
                    case "--unsafe-no-fencing" -> o.unsafeNoFencing = true;
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            return o;
        }

        private static String need(String flag, String v) {
            if (v == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return v;
        }

        private static int number(String flag, String v, int min, int max) {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + " must be a whole number from " + min + " to " + max + ", not '" + v + "'");
        }
    }

    public static int run(String[] args, PrintStream out) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("jepsen-tests/run: " + e.getMessage());
            out.print(USAGE);
            return 2;
        }
        try {
            return run(o, out);
        } catch (Exception e) {
            out.println("jepsen-tests/run: the run could not be completed: " + e);
            e.printStackTrace(out);
            return 2;
        }
    }

    public static int run(Options o, PrintStream out) throws Exception {
        Path jar = o.jar != null ? o.jar : findJar();
        Path dir = o.out != null ? o.out : jar.getParent().getParent().getParent().resolve("jepsen-tests").resolve("runs")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + o.seed);
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    // Its servers' data dirs would be reused: the run would start from the last one's state.
                    out.println("jepsen-tests/run: " + dir + " already holds files (an earlier run?): give --out a new"
                            + " or empty directory");
                    return 2;
                }
            }
        }
        Files.createDirectories(dir);
        // Three workers of 4 slots for 6 lease agents: bin-packing fills two, and any one's agents fit elsewhere.
        int workers = o.workers != null ? o.workers : (o.workloads.contains("lease") ? 3 : 0);
        Network net = null;
        StringBuilder why = new StringBuilder();
        if (!o.loopback) {
            net = NamespaceNetwork.tryCreate(o.servers + workers, why);
        }
        List<Nemesis.Fault> faults = new ArrayList<>(o.faults);
        if (net == null) {
            net = new LoopbackNetwork();
            faults.removeIf(f -> f == Nemesis.Fault.PARTITION || f == Nemesis.Fault.WORKER_CUT);
            out.println("network: loopback" + (o.loopback ? "" : " (namespaces unavailable: " + why + ")")
                    + "; network faults are off, process faults only");
        }
        if (workers == 0) {
            faults.removeIf(f -> f.name().startsWith("WORKER_"));
        }
        if (!Files.exists(Deployment.FAKETIME)) {
            if (faults.remove(Nemesis.Fault.CLOCK)) {
                out.println("clock: libfaketime is not installed (Debian: libfaketime): clock faults are off");
            }
        }
        out.println("run " + dir + ": workloads " + o.workloads + ", nemesis " + faults + ", " + o.timeLimit
                + " s, seed " + o.seed + ", " + net.describe());
        List<String> serverFlags = o.unsafeStaleReads ? List.of("--unsafe-stale-reads", "true") : List.of();
        List<String> workerFlags = o.unsafeNoFencing ? List.of("--unsafe-no-fencing", "true") : List.of();
        Map<String, Object> verdicts = new LinkedHashMap<>();
        Map<String, Map<String, Object>> latencySummary = new LinkedHashMap<>();
        int exit;
        try (Network network = net;
             Deployment db = new Deployment(network, jar, dir, o.servers, workers, serverFlags, workerFlags,
                     Duration.ofSeconds(3), 4)) {
            db.start();
            db.awaitReady(Duration.ofSeconds(120));
            Client client = new Client(Duration.ofMillis(1500), db.clientContext(), db.adminToken());
            RegisterWorkload register = null;
            SetWorkload set = null;
            LeaseWorkload lease = null;
            if (o.workloads.contains("register")) {
                register = new RegisterWorkload(db, client, new JsonLinesHistoryWriter(
                        Files.newBufferedWriter(dir.resolve("history-register.jsonl"))), 3);
                register.setUp();
            }
            if (o.workloads.contains("set")) {
                set = new SetWorkload(db, client, dir.resolve("history-set.jsonl"));
                set.setUp();
            }
            if (o.workloads.contains("lease")) {
                lease = new LeaseWorkload(db, client, dir.resolve("runlogs"), 6);
                lease.setUp();
                Thread.sleep(3000); // let them start before the faults begin
            }
            long origin = System.nanoTime();
            long end = origin + o.timeLimit * 1_000_000_000L;
            Latencies latencies = new Latencies(origin);
            try (Timeline timeline = new Timeline(dir.resolve("timeline.jsonl"), origin)) {
                Nemesis nemesis = new Nemesis(db, timeline, o.seed, faults, end);
                List<Thread> threads = new ArrayList<>();
                threads.add(new Thread(nemesis, "nemesis"));
                for (int t = 0; t < o.threads; t++) {
                    if (register != null) {
                        threads.add(new Thread(register.clientThread(t, o.threads, o.seed, end, latencies), "register-" + t));
                    }
                    if (set != null) {
                        threads.add(new Thread(set.clientThread(t, end, latencies), "set-" + t));
                    }
                }
                threads.forEach(Thread::start);
                for (Thread t : threads) {
                    t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000) + 60_000);
                }
                nemesis.stop();
                long runEndMs = timeline.nowMs();
                heal(db, timeline);
                if (lease != null) {
                    Thread.sleep(8000); // every lease agent settles somewhere before the logs are read
                    for (NodeProcess w : db.workers()) {
                        w.kill(); // their watchdogs stop the agents
                    }
                    Thread.sleep(2000);
                }
                if (register != null) {
                    register.close();
                    verdicts.put("register", checkRegister(dir));
                }
                if (set != null) {
                    verdicts.put("set", set.check());
                }
                if (lease != null) {
                    verdicts.put("lease", lease.check());
                }
                verdicts.put("replicas", checkReplicas(db));
                latencySummary.putAll(latencies.summary());
                LatencyPlot.write(dir.resolve("latency.png"), "agentd " + o.workloads + " under " + faults + " (seed "
                        + o.seed + ")", latencies.samples(), timeline.windows(), runEndMs);
            }
        }
        boolean allValid = verdicts.values().stream().allMatch(v -> Boolean.TRUE.equals(((Map<?, ?>) v).get("valid")));
        boolean unknown = verdicts.values().stream().anyMatch(v -> "unknown".equals(((Map<?, ?>) v).get("verdict")));
        exit = allValid ? 0 : unknown ? 3 : 1;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("seed", o.seed);
        summary.put("timeLimit", o.timeLimit);
        summary.put("workloads", o.workloads);
        summary.put("nemesis", faults.stream().map(Nemesis.Fault::word).toList());
        summary.put("unsafeStaleReads", o.unsafeStaleReads);
        summary.put("unsafeNoFencing", o.unsafeNoFencing);
        summary.put("valid", allValid);
        summary.put("checkers", verdicts);
        summary.put("latency", latencySummary);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("verdicts.json").toFile(), summary);
        for (Map.Entry<String, Object> e : verdicts.entrySet()) {
            out.println(e.getKey() + ": " + (Boolean.TRUE.equals(((Map<?, ?>) e.getValue()).get("valid")) ? "valid" : "INVALID")
                    + " " + e.getValue());
        }
        out.println(allValid ? "everything looks good" : "anomalies found: see " + dir.resolve("verdicts.json"));
        return exit;
    }

    /** Ends every fault: heals the network, resumes and restarts what is down, waits until all are ready. */
    private static void heal(Deployment db, Timeline timeline) throws Exception {
        db.network().heal();
        for (NodeProcess p : db.servers()) {
            p.resume();
            if (!p.alive()) {
                p.start();
            }
        }
        for (NodeProcess p : db.workers()) {
            p.resume();
            if (!p.alive()) {
                p.start();
            }
        }
        timeline.note("healed everything");
        db.awaitReady(Duration.ofSeconds(120));
    }

    /**
     * After healing, every replica's registry must be the same at one log index: {@code cluster
     * check} ({@code POST /v1/cluster/check}) through the leader, tried a few times while a member
     * catches up or leadership settles.
     */
    private static Map<String, Object> checkReplicas(Deployment db) throws InterruptedException {
        Map<String, Object> v = new LinkedHashMap<>();
        String last = "no answer";
        for (int attempt = 0; attempt < 5; attempt++) {
            int leader = db.leader();
            if (leader >= 0) {
                try {
                    Map.Entry<Integer, JsonNode> r = db.post(leader, "/v1/cluster/check", Duration.ofSeconds(60));
                    JsonNode body = r.getValue();
                    if (r.getKey() == 200 && body != null) {
                        boolean agree = body.path("agree").asBoolean();
                        v.put("valid", agree);
                        v.put("verdict", agree ? "replicas agree" : "replicas differ");
                        v.put("index", body.path("index").asLong());
                        v.put("differing", body.path("differing"));
                        v.put("unanswered", body.path("unanswered"));
                        if (agree || body.path("differing").size() > 0) {
                            return v;
                        }
                    }
                    last = r.getKey() + " " + body;
                } catch (IllegalStateException e) {
                    last = e.getMessage();
                }
            }
            Thread.sleep(2000);
        }
        v.put("valid", false);
        v.put("verdict", "unknown");
        v.put("why", "no clean answer from cluster check: " + last);
        return v;
    }

    private static Map<String, Object> checkRegister(Path dir) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream report = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = CheckHistory.run(new String[] {dir.resolve("history-register.jsonl").toString()}, report, report);
        String text = buf.toString(StandardCharsets.UTF_8);
        try {
            Files.writeString(dir.resolve("check-register.txt"), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("valid", code == CheckHistory.LINEARIZABLE);
        v.put("verdict", switch (code) {
            case CheckHistory.LINEARIZABLE -> "linearizable";
            case CheckHistory.NOT_LINEARIZABLE -> "not linearizable";
            case CheckHistory.UNKNOWN -> "unknown";
            default -> "malformed history";
        });
        v.put("report", "check-register.txt");
        return v;
    }

    /** daemon/target/agentd-daemon.jar above the working directory. */
    static Path findJar() {
        Path d = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && d != null; i++, d = d.getParent()) {
            Path jar = d.resolve("daemon").resolve("target").resolve("agentd-daemon.jar");
            if (Files.exists(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException("daemon/target/agentd-daemon.jar not found above " + Path.of("").toAbsolutePath()
                + ": build it first (mvn -pl daemon -am package -DskipTests)");
    }
}
