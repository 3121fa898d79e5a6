package io.agentd.bench;

import io.agentd.client.AgentFilter;
import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.EventView;
import io.agentd.client.api.EventsPage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One worker failover, timed from here: checks that the agents run on the worker, sends
 * SIGKILL to its process, and follows the event feed until all of them run on other workers.
 * The times are when this process learnt of each step (an event's arrival), not the events'
 * own timestamps.
 */
public final class Failover {
    static final String USAGE = """
            usage: failover --servers URL[,URL...] --kill-pid PID --from WORKER --count N [options]
              Waits until N agents with the label run on WORKER, kills PID (the worker) with SIGKILL, and
              follows GET /v1/events until all N run on other workers. Prints the times from the kill:
              worker marked down (its WorkerExpired event), first and last agent running elsewhere.
              --servers URLS    coordinator endpoints
              --kill-pid PID    the worker's process
              --from WORKER     its worker id
              --count N         agents that must move
              --label K=V       the agents' label (default bench=failover)
              --namespace NS    (default default)
              --ready-timeout D longest wait for the N agents to run on WORKER first (default 60s)
              --timeout D       longest wait after the kill (default 60s)
              --poll D          pause after a failed call (default 100ms)
              --token-file FILE the API token to send (default: none)
            """;

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        String servers;
        long pid;
        String from;
        int count;
        String label;
        String namespace;
        Duration readyTimeout;
        Duration timeout;
        Duration poll;
        String token;
        try {
            Args a = Args.parse(argv, Set.of());
            if (a.help()) {
                System.out.print(USAGE);
                return 0;
            }
            servers = a.string("servers", null);
            pid = Long.parseLong(a.string("kill-pid", null));
            from = a.string("from", null);
            count = a.integer("count", 0);
            label = a.string("label", "bench=failover");
            namespace = a.string("namespace", "default");
            readyTimeout = a.duration("ready-timeout", "60s");
            timeout = a.duration("timeout", "60s");
            poll = a.duration("poll", "100ms");
            token = Auth.token(a);
            a.finish();
            if (count < 1 || !label.contains("=")) {
                throw new IllegalArgumentException("--count must be positive and --label be K=V");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("failover: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        int eq = label.indexOf('=');
        AgentFilter filter = new AgentFilter("running", null, Map.of(label.substring(0, eq), label.substring(eq + 1)));
        AgentdClient client = AgentdClient.builder().endpoints(servers).token(token)
                .requestTimeout(Duration.ofSeconds(5)).build();
        try {
            return go(client, namespace, filter, pid, from, count, readyTimeout, timeout, poll);
        } catch (RuntimeException | InterruptedException e) {
            System.err.println("failover: failed: " + e);
            return 1;
        }
    }

    private static int go(AgentdClient client, String namespace, AgentFilter filter, long pid, String from, int count,
                          Duration readyTimeout, Duration timeout, Duration poll) throws InterruptedException {
        Optional<ProcessHandle> victim = ProcessHandle.of(pid);
        if (victim.isEmpty()) {
            throw new IllegalStateException("no process " + pid);
        }
        long readyDeadline = System.nanoTime() + readyTimeout.toNanos();
        int onFrom;
        // Also warms this JVM's HTTP client up, so the polls after the kill are quick.
        while ((onFrom = running(client, namespace, filter, w -> w.equals(from))) < count) {
            if (System.nanoTime() - readyDeadline > 0) {
                throw new IllegalStateException("only " + onFrom + " of " + count + " agents run on " + from + " after "
                        + readyTimeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
        for (int i = 0; i < 5; i++) {
            running(client, namespace, filter, w -> !w.equals(from));
        }
        // The cluster's revision now (a linearizable read), so that only events after the kill count.
        // (A page of events after 0 ends at its last event, which in a long-lived cluster is an old
        // one: earlier rounds' WorkerExpired of this same worker were taken for this round's.)
        long after = client.clusterStatus().revision();
        long killed = System.nanoTime();
        if (!victim.get().destroyForcibly()) {
            throw new IllegalStateException("could not send SIGKILL to " + pid);
        }
        System.out.printf("killed worker %s (pid %d) with SIGKILL at %s; %d agents ran on it%n", from, pid,
                Instant.now(), onFrom);
        long deadline = killed + timeout.toNanos();
        long downAt = -1;
        long firstAt = -1;
        long allAt = -1;
        Set<String> to = new TreeSet<>();
        // Follows the event feed (a long poll: no load on the cluster while nothing happens) and
        // checks the agents' placement after each event that concerns them.
        while (System.nanoTime() - deadline < 0) {
            long left = deadline - System.nanoTime();
            EventsPage page;
            try {
                page = client.events(after, Duration.ofMillis(Math.max(1, Math.min(left / 1_000_000, 5000))), 10_000);
            } catch (AgentdException e) {
                Thread.sleep(poll.toMillis());
                continue;
            }
            long t = System.nanoTime();
            boolean ours = false;
            for (EventView e : page.events()) {
                after = Math.max(after, e.revision());
                if ("WorkerExpired".equals(e.type()) && from.equals(e.worker()) && downAt < 0) {
                    downAt = t;
                }
                ours |= e.name() != null && namespace.equals(e.namespace());
            }
            if (page.events().isEmpty()) {
                after = Math.max(after, page.revision());
            }
            if (!ours) {
                continue;
            }
            int elsewhere = 0;
            try {
                for (AgentView a : client.listAgents(namespace, filter)) {
                    if (a.worker() != null && !a.worker().equals(from)) {
                        elsewhere++;
                        to.add(a.worker());
                    }
                }
            } catch (AgentdException e) {
                continue; // the next event brings another look
            }
            if (elsewhere > 0 && firstAt < 0) {
                firstAt = t;
            }
            if (elsewhere >= count) {
                allAt = t;
                break;
            }
        }
        System.out.printf("  %s marked down after %s ms; first agent running elsewhere after %s ms; all %d after "
                        + "%s ms (on %s)%n", from, ms(downAt, killed), ms(firstAt, killed), count, ms(allAt, killed),
                String.join(",", to));
        System.out.println("RESULT failover from=" + from + " to=" + String.join(",", to) + " n=" + count
                + " down_ms=" + ms(downAt, killed) + " first_ms=" + ms(firstAt, killed)
                + " all_ms=" + ms(allAt, killed));
        return allAt < 0 ? 1 : 0;
    }

    private static String ms(long at, long from) {
        return at < 0 ? "-1" : Long.toString((at - from) / 1_000_000);
    }

    private static int running(AgentdClient client, String namespace, AgentFilter filter,
                               java.util.function.Predicate<String> worker) {
        int n = 0;
        for (AgentView a : client.listAgents(namespace, filter)) {
            if (a.worker() != null && worker.test(a.worker())) {
                n++;
            }
        }
        return n;
    }
}
