package io.agentd.jepsen.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Injects faults on a schedule drawn from the seed: kill -9 and restart, SIGSTOP and SIGCONT,
 * network partitions (the leader isolated, a minority cut off, a bridge), a server's wall clock
 * skewed by up to a minute either way (libfaketime), a worker cut off
 * from the coordinators, paused or killed, and a member replaced (removed from the group, its
 * data wiped, started again with {@code --join}, added back and promoted once caught up). Each fault lasts a few seconds and is healed before
 * the next; all of it is recorded in the timeline. Faults come in rounds: every enabled fault
 * once, in an order drawn from the seed, before any comes again, so a run of a few rounds'
 * length has exercised each.
 */
public final class Nemesis implements Runnable {
    /** The faults a run may pick from; {@code all} enables every one the network supports. */
    public enum Fault {
        KILL, PAUSE, PARTITION, CLOCK, WORKER_CUT, WORKER_PAUSE, WORKER_KILL, MEMBERSHIP;

        public String word() {
            return name().toLowerCase().replace('_', '-');
        }

        public static Fault parse(String w) {
            for (Fault f : values()) {
                if (f.word().equals(w)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown nemesis '" + w + "' (known: kill, pause, partition, clock, "
                    + "worker-cut, worker-pause, worker-kill, membership, all, none)");
        }
    }

    private final Deployment db;
    private final Timeline timeline;
    private final Random random;
    private final List<Fault> faults;
    /** What is left of the current round, taken from the end. */
    private final List<Fault> round = new ArrayList<>();
    private final long endNanos;
    private volatile boolean stopped;

    public Nemesis(Deployment db, Timeline timeline, long seed, List<Fault> faults, long endNanos) {
        this.db = db;
        this.timeline = timeline;
        this.random = new Random(seed);
        this.faults = List.copyOf(faults);
        this.endNanos = endNanos;
    }

    public void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        if (faults.isEmpty()) {
            return;
        }
        try {
            while (!stopped && System.nanoTime() < endNanos - 4_000_000_000L) {
                sleep(1500 + random.nextInt(2500));
                if (stopped) {
                    return;
                }
                Fault f = next();
                long duration = 2000 + random.nextInt(5000);
                inject(f, duration);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            timeline.note("nemesis failed: " + e);
        }
    }

    private Fault next() {
        if (round.isEmpty()) {
            round.addAll(faults);
            java.util.Collections.shuffle(round, random);
        }
        return round.remove(round.size() - 1);
    }

    private void sleep(long ms) throws InterruptedException {
        long left = Math.min(ms, (endNanos - System.nanoTime()) / 1_000_000);
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    private NodeProcess pickServer() {
        int leader = db.leader();
        List<NodeProcess> s = db.servers();
        if (leader > 0 && random.nextBoolean()) {
            return s.get(leader - 1);
        }
        return s.get(random.nextInt(s.size()));
    }

    private void inject(Fault f, long duration) throws Exception {
        switch (f) {
            case KILL -> {
                NodeProcess n = pickServer();
                int w = timeline.fault("kill", n.name());
                n.kill();
                sleep(duration);
                n.start();
                timeline.healed(w);
            }
            case PAUSE -> {
                NodeProcess n = pickServer();
                int w = timeline.fault("pause", n.name());
                n.pause();
                sleep(duration);
                n.resume();
                timeline.healed(w);
            }
            case PARTITION -> partition(duration);
            case CLOCK -> {
                NodeProcess n = pickServer();
                long seconds = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(60));
                int w = timeline.fault("clock", n.name() + " " + (seconds > 0 ? "+" : "") + seconds + " s");
                db.skewClock(n.host(), seconds);
                sleep(duration);
                db.skewClock(n.host(), 0);
                timeline.healed(w);
            }
            case MEMBERSHIP -> {
                NodeProcess n = pickServer();
                int w = timeline.fault("membership", "replace " + n.name());
                try {
                    db.replaceServer(n.host(), java.time.Duration.ofSeconds(90));
                } catch (java.io.IOException e) {
                    timeline.note("membership: " + e.getMessage());
                }
                timeline.healed(w);
            }
            case WORKER_CUT -> {
                NodeProcess k = pickWorker();
                if (k == null) {
                    return;
                }
                List<Integer> servers = new ArrayList<>();
                db.servers().forEach(s -> servers.add(s.host()));
                int w = timeline.fault("worker-cut", k.name());
                db.network().dropFrom(k.host(), servers);
                sleep(duration);
                db.network().heal();
                timeline.healed(w);
            }
            case WORKER_PAUSE -> {
                NodeProcess k = pickWorker();
                if (k == null) {
                    return;
                }
                int w = timeline.fault("worker-pause", k.name());
                k.pause();
                sleep(duration);
                k.resume();
                timeline.healed(w);
            }
            case WORKER_KILL -> {
                NodeProcess k = pickWorker();
                if (k == null) {
                    return;
                }
                int w = timeline.fault("worker-kill", k.name());
                k.kill();
                sleep(duration);
                k.start();
                timeline.healed(w);
            }
        }
    }

    /**
     * A worker to fault: one that runs agents when the coordinators name any (a fault on an idle
     * worker tests nothing, and where agents land depends on timing), else any worker.
     */
    private NodeProcess pickWorker() {
        List<NodeProcess> all = db.workers();
        if (all.isEmpty()) {
            return null;
        }
        Set<String> busy = db.workersWithAgents();
        List<NodeProcess> w = all.stream().filter(k -> busy.contains(k.name())).toList();
        if (w.isEmpty()) {
            w = all;
        }
        return w.get(random.nextInt(w.size()));
    }

    private void partition(long duration) throws InterruptedException {
        List<Integer> all = new ArrayList<>();
        db.servers().forEach(s -> all.add(s.host()));
        int kind = random.nextInt(3);
        Set<Integer> a = new TreeSet<>();
        String what;
        if (kind == 0) {
            int leader = db.leader();
            a.add(leader > 0 ? leader : all.get(random.nextInt(all.size())));
            what = "isolate leader n" + a.iterator().next();
        } else {
            List<Integer> shuffled = new ArrayList<>(all);
            java.util.Collections.shuffle(shuffled, random);
            a.addAll(shuffled.subList(0, (all.size() - 1) / 2));
            if (a.isEmpty()) {
                a.add(shuffled.get(0));
            }
            what = "minority " + a + " | majority";
        }
        Set<Integer> b = new TreeSet<>(all);
        b.removeAll(a);
        if (kind == 2 && b.size() >= 2) {
            // A bridge: one majority node still talks to both sides.
            int bridge = b.iterator().next();
            Set<Integer> far = new TreeSet<>(b);
            far.remove(bridge);
            int w = timeline.fault("partition", "bridge n" + bridge + " between " + a + " and " + far);
            db.network().partition(a, far);
            sleep(duration);
            db.network().heal();
            timeline.healed(w);
            return;
        }
        int w = timeline.fault("partition", what + " " + b);
        db.network().partition(a, b);
        sleep(duration);
        db.network().heal();
        timeline.healed(w);
    }
}
