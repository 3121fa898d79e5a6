package io.agentd.jepsen.workload;

import io.agentd.jepsen.harness.Deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lease exclusivity: agents whose processes append "token worker epoch-millis" to a run log ten
 * times a second, on workers the nemesis cuts off, pauses and kills. The check: per agent, the
 * instances (one per token) never run at overlapping times, beyond the log's resolution, and a
 * later instance always has a larger token.
 */
public final class LeaseWorkload {
    /** Lines are written every 100 ms: two instances closer than this cannot be told apart. */
    static final long RESOLUTION_MS = 100;
    private final Deployment db;
    private final Client client;
    private final Path runlogs;
    private final int agents;

    public LeaseWorkload(Deployment db, Client client, Path runlogs, int agents) {
        this.db = db;
        this.client = client;
        this.runlogs = runlogs;
        this.agents = agents;
    }

    public void setUp() throws IOException, InterruptedException {
        Files.createDirectories(runlogs);
        Path script = runlogs.resolve("agent.sh");
        Files.writeString(script, "while true; do echo \"$AGENTD_FENCING_TOKEN $AGENTD_WORKER_ID $(date +%s%3N)\" >> "
                + runlogs + "/$AGENTD_AGENT_NAME.log; sleep 0.1; done\n");
        for (int i = 0; i < agents; i++) {
            String body = "{\"name\":\"lease-" + i + "\",\"spec\":{\"command\":\"/bin/bash\",\"args\":[\"" + script
                    + "\"],\"restart\":\"always\"}}";
            boolean done = false;
            for (int attempt = 0; attempt < 60 && !done; attempt++) {
                Client.Outcome o = client.call("POST", db.url(1 + attempt % db.servers().size())
                        + "/v1/namespaces/default/agents", body);
                done = o instanceof Client.Answer a && (a.status() == 201 || a.status() == 200);
                if (!done) {
                    Thread.sleep(500);
                }
            }
            if (!done) {
                throw new IllegalStateException("could not spawn lease-" + i);
            }
        }
    }

    /** One instance of an agent: its token, worker and the span of its lines. */
    record Instance(long token, String worker, long first, long last, int lines) {
    }

    /** The verdict over every run log. */
    public Map<String, Object> check() throws IOException {
        Map<String, Object> v = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int instances = 0;
        int agentsSeen = 0;
        for (int i = 0; i < agents; i++) {
            Path log = runlogs.resolve("lease-" + i + ".log");
            if (!Files.exists(log)) {
                continue;
            }
            agentsSeen++;
            Map<Long, Instance> byToken = new TreeMap<>();
            for (String line : Files.readAllLines(log)) {
                String[] f = line.trim().split(" ");
                if (f.length != 3) {
                    continue; // cut short by a kill
                }
                long token = Long.parseLong(f[0]);
                long t = Long.parseLong(f[2]);
                Instance prev = byToken.get(token);
                if (prev != null && !prev.worker().equals(f[1])) {
                    problems.add("lease-" + i + ": token " + token + " ran on " + prev.worker() + " and " + f[1]);
                }
                byToken.put(token, prev == null ? new Instance(token, f[1], t, t, 1)
                        : new Instance(token, prev.worker(), Math.min(prev.first(), t), Math.max(prev.last(), t),
                        prev.lines() + 1));
            }
            List<Instance> ordered = new ArrayList<>(byToken.values());
            ordered.sort(Comparator.comparingLong(Instance::first));
            instances += ordered.size();
            for (int k = 1; k < ordered.size(); k++) {
                Instance a = ordered.get(k - 1);
                Instance b = ordered.get(k);
                if (b.first() <= a.last() && !a.worker().equals(b.worker())) {
                    problems.add("lease-" + i + ": " + a + " and " + b + " ran at the same time ("
                            + (a.last() - b.first()) + " ms of overlap)");
                }
                if (b.token() < a.token()) {
                    problems.add("lease-" + i + ": token " + b.token() + " started after token " + a.token());
                }
            }
        }
        v.put("valid", problems.isEmpty());
        v.put("agents", agentsSeen);
        v.put("instances", instances);
        v.put("resolutionMs", RESOLUTION_MS);
        v.put("problems", problems.size() > 50 ? problems.subList(0, 50) : problems);
        return v;
    }
}
