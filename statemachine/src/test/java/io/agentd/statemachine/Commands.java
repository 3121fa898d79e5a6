package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generators of commands over small name pools, so commands collide often.
 *
 * <p>A command that names an instance by its fencing token (a report, health, a checkpoint) or a
 * leader decision that names the revision it was decided on (a reschedule, an expiry) would almost
 * never match if drawn blindly. So these are drawn as {@link Draft}s that pick their target when the
 * log is built, from the state the log has reached by then: mostly the current instance or
 * revision ({@link Aim#CURRENT}), sometimes an ended one ({@link Aim#STALE}), sometimes anything at
 * all ({@link Aim#BLIND}). The log handed to a property is plain commands, the same at every replay.
 */
final class Commands {
    static final List<String> NAMESPACES = List.of("default", "team-a", "team-b");
    static final List<String> AGENTS = List.of("a0", "a1", "a2", "a3", "a4", "a5");
    static final List<String> WORKERS = List.of("w1", "w2", "w3");

    private Commands() {
    }

    static Arbitrary<String> ns() {
        return Arbitraries.of(NAMESPACES);
    }

    static Arbitrary<String> agent() {
        return Arbitraries.of(AGENTS);
    }

    /** The term a leader decision names: the log's (1), an earlier or later leader's, or none (0, old entries). */
    static Arbitrary<Long> term() {
        return Arbitraries.of(0L, 1L, 2L);
    }

    static Arbitrary<String> provider() {
        return Arbitraries.of("p1", "p2", "Bad_Name");
    }

    /** Mostly valid limits; now and then a zero rate or a weight out of range, which the rule refuses. */
    static Arbitrary<io.agentd.statemachine.model.ProviderLimits> providerLimits() {
        Arbitrary<java.util.SortedMap<String, Integer>> shares = Arbitraries.of(
                new java.util.TreeMap<String, Integer>(), new java.util.TreeMap<>(Map.of("team-a", 3)),
                new java.util.TreeMap<>(Map.of("team-a", 1, "team-b", 2)), new java.util.TreeMap<>(Map.of("team-b", 0)));
        return Combinators.combine(Arbitraries.of(0L, 60L, 600L), Arbitraries.of(0L, 90_000L),
                Arbitraries.of(0, 4), Arbitraries.of("", "fast"), Arbitraries.integers().between(0, 2), shares,
                Arbitraries.of(0L, 2_000L)).as(io.agentd.statemachine.model.ProviderLimits::new);
    }

    static Arbitrary<Quota> quota() {
        Arbitrary<Long> limit = Arbitraries.longs().between(0, 6).injectNull(0.3);
        return Combinators.combine(limit, limit).as(Quota::new);
    }

    static Arbitrary<AgentSpec> spec() {
        return Combinators.combine(
                Arbitraries.of("/bin/sleep", "/bin/true"),
                Arbitraries.integers().between(1, 3),
                Arbitraries.of(Map.<String, String>of(), Map.of("gpu", "yes")),
                Arbitraries.of(RestartPolicy.class)
        ).as((cmd, slots, constraints, restart) -> new AgentSpec(cmd, List.of("10"), new TreeMap<>(), null, slots,
                new TreeMap<>(Map.of("team", "x")), new TreeMap<>(constraints), restart));
    }

    // ------------------------------------------------------------ drafts

    /** A command still to be made from the state the log has reached when it comes. */
    @FunctionalInterface
    interface Draft {
        Command resolve(ClusterState state);

        static Draft of(Command c) {
            return state -> c;
        }
    }

    /** What a drawn token or revision aims at. */
    enum Aim {
        /** The current instance (token) or revision of a thing that has one; blind when none has. */
        CURRENT,
        /** One that is over: an ended assignment's token, the revision before the current one. */
        STALE,
        /** Whatever was drawn: mostly nothing that exists. */
        BLIND
    }

    /**
     * A drawn aim, which of the candidates it takes ({@code index} modulo their number), and what
     * it names when blind.
     */
    record Pick(Aim aim, int index, String namespace, String name, long number) {
        <T> T among(List<T> candidates) {
            return candidates.isEmpty() ? null : candidates.get(index % candidates.size());
        }
    }

    /** An agent and a number (a fencing token or a revision) a command names. */
    record Target(String namespace, String name, long number) {
    }

    /** Picks for reports, health and checkpoints: mostly the current instance. */
    static Arbitrary<Pick> pick() {
        return pick(7, 2, 1);
    }

    /** Picks aimed at the current, a stale or any target in the proportions given. */
    static Arbitrary<Pick> pick(int current, int stale, int blind) {
        return Combinators.combine(
                Arbitraries.frequency(Tuple.of(current, Aim.CURRENT), Tuple.of(stale, Aim.STALE), Tuple.of(blind, Aim.BLIND)),
                Arbitraries.integers().between(0, 9), ns(), agent(), Arbitraries.longs().between(1, 60)).as(Pick::new);
    }

    /** The instance a report, health or checkpoint claims to come from. */
    static Target instance(Pick p, ClusterState s) {
        if (p.aim() == Aim.CURRENT) {
            Agent a = p.among(s.agents(null, Agent::assigned, Integer.MAX_VALUE));
            if (a != null) {
                return new Target(a.namespace(), a.name(), a.fencingToken());
            }
        } else if (p.aim() == Aim.STALE) {
            Agent a = p.among(s.agents(null, x -> !x.history().isEmpty(), Integer.MAX_VALUE));
            if (a != null) {
                return new Target(a.namespace(), a.name(), p.among(a.history()).fencingToken());
            }
        }
        return new Target(p.namespace(), p.name(), p.number());
    }

    /** The failed agent, and the revision of it, that a reschedule was decided on. */
    static Target failedAgent(Pick p, ClusterState s) {
        Agent a = p.aim() == Aim.BLIND ? null : p.among(s.failedToRun(Integer.MAX_VALUE));
        if (a == null) {
            return new Target(p.namespace(), p.name(), p.number());
        }
        return new Target(a.namespace(), a.name(), p.aim() == Aim.CURRENT ? a.revision() : a.revision() - 1);
    }

    /** The worker, and the revision of it, that an expiry was decided on. */
    static Target liveWorker(Pick p, ClusterState s) {
        Worker w = p.aim() == Aim.BLIND ? null
                : p.among(s.workers().stream().filter(x -> x.state() != WorkerState.DOWN).toList());
        if (w == null) {
            return new Target(null, WORKERS.get(p.index() % WORKERS.size()), p.number() - 1);
        }
        return new Target(null, w.id(), p.aim() == Aim.CURRENT ? w.revision() : w.revision() - 1);
    }

    /** Commands of every feature level this build supports. */
    static Arbitrary<Draft> draft() {
        return draft(FeatureLevel.MAX_SUPPORTED);
    }

    /**
     * Commands a cluster at feature level {@code level} may see in its log: level 1 has only the
     * types builds before feature levels knew; level 2 adds the level's own commands, state checks
     * and raising the level (to any level up to {@code level}); level 3 adds providers.
     */
    static Arbitrary<Draft> draft(int level) {
        List<Tuple.Tuple2<Integer, Arbitrary<Draft>>> all = new ArrayList<>(levelOne());
        if (level >= 2) {
            all.add(fixed(1, Arbitraries.integers().between(1, level).map(Command.SetFeatureLevel::new)));
            all.add(fixed(1, Arbitraries.of("c1", "c2").map(Command.CheckState::new)));
            all.add(fixed(2, Combinators.combine(ns(), agent()).as(Command.StartAgent::new)));
        }
        if (level >= 3) {
            all.add(fixed(2, Combinators.combine(provider(), providerLimits()).as(Command.SetProvider::new)));
            all.add(fixed(1, provider().map(Command.DeleteProvider::new)));
        }
        return Arbitraries.frequencyOf(all);
    }

    private static List<Tuple.Tuple2<Integer, Arbitrary<Draft>>> levelOne() {
        return List.of(
                fixed(2, Combinators.combine(Arbitraries.of("team-a", "team-b", "Bad_Name"), quota())
                        .as(Command.CreateNamespace::new)),
                fixed(2, Combinators.combine(ns(), quota()).as(Command.SetQuota::new)),
                fixed(8, Combinators.combine(ns(), agent(), spec()).as(Command.SpawnAgent::new)),
                fixed(2, Combinators.combine(ns(), agent()).as(Command.StopAgent::new)),
                fixed(2, Combinators.combine(ns(), agent()).as(Command.DeleteAgent::new)),
                fixed(4, Combinators.combine(ns(), agent(), Arbitraries.of("k1", "k2"),
                        Arbitraries.strings().alpha().ofMaxLength(3),
                        Arbitraries.longs().between(0, 40).injectNull(0.4)).as(Command.SetMetadata::new)),
                Tuple.of(3, Combinators.combine(pick(),
                        Arbitraries.of(AgentState.RUNNING, AgentState.STOPPED, AgentState.FAILED, AgentState.PENDING),
                        Arbitraries.integers().between(0, 2).injectNull(0.5), Arbitraries.integers().between(0, 3))
                        .as((p, st, exit, restarts) -> (Draft) s -> {
                            Target t = instance(p, s);
                            return new Command.ReportStatus(t.namespace(), t.name(), t.number(), st, exit, "", restarts);
                        })),
                Tuple.of(2, Combinators.combine(pick(), Arbitraries.integers().between(0, 3), term())
                        .as((p, attempt, term) -> (Draft) s -> {
                            Target t = failedAgent(p, s);
                            return new Command.RescheduleAgent(t.namespace(), t.name(), t.number(), attempt, term);
                        })),
                Tuple.of(2, Combinators.combine(pick(), Arbitraries.of("ok", "degraded", "bad"),
                        Arbitraries.of("", "step 1", "step 2"))
                        .as((p, status, progress) -> (Draft) s -> {
                            Target t = instance(p, s);
                            return new Command.ReportHealth(t.namespace(), t.name(), t.number(), status, progress);
                        })),
                // Registrations are common: every path after a placement needs a worker first.
                fixed(4, Combinators.combine(Arbitraries.of(WORKERS), Arbitraries.integers().between(0, 5),
                        Arbitraries.of(Map.<String, String>of(), Map.of("gpu", "yes")))
                        .as((id, cap, labels) -> new Command.RegisterWorker(id, "127.0.0.1:7422", "z1",
                                new TreeMap<>(labels), cap))),
                // Expiries aim at a live worker's revision less often than reports at their instance:
                // each one that applies takes the worker's agents away from the reports.
                Tuple.of(2, Combinators.combine(pick(1, 1, 1), term()).as((p, term) -> (Draft) s -> {
                    Target t = liveWorker(p, s);
                    return new Command.ExpireWorker(t.name(), t.number(), term);
                })),
                fixed(2, Combinators.combine(ns(), agent(), Arbitraries.of(WORKERS).injectNull(0.5))
                        .as(Command.MigrateAgent::new)),
                fixed(1, Combinators.combine(Arbitraries.of(WORKERS), Arbitraries.integers().between(1, 2))
                        .as(Command.DrainWorker::new)),
                fixed(1, Arbitraries.of(WORKERS).map(Command.UndrainWorker::new)),
                Tuple.of(2, Combinators.combine(pick(), Arbitraries.strings().alpha().ofMaxLength(5))
                        .as((p, data) -> (Draft) s -> {
                            Target t = instance(p, s);
                            return new Command.PutCheckpoint(t.namespace(), t.name(), t.number(), data);
                        })),
                // Tokens: a few hashes, so that repeats (ALREADY_EXISTS) happen too.
                fixed(1, Combinators.combine(Arbitraries.of("a", "b", "c").map(h -> h.repeat(64)),
                        Arbitraries.of(io.agentd.statemachine.model.Role.class),
                        Arbitraries.of(java.util.Set.<String>of(), java.util.Set.of("team-a")),
                        Arbitraries.longs().between(0, 5_000))
                        .as((hash, role, scope, ttl) -> new Command.CreateToken(hash, role,
                                role.scopable() ? new java.util.TreeSet<>(scope) : null,
                                role == io.agentd.statemachine.model.Role.WORKER ? "w1" : null, ttl, "t"))),
                fixed(1, Arbitraries.integers().between(1, 60).map(i -> new Command.RevokeToken("t" + i))),
                fixed(1, Arbitraries.of("d", "e").map(h -> new Command.BootstrapToken(h.repeat(64))))
        );
    }

    private static Tuple.Tuple2<Integer, Arbitrary<Draft>> fixed(int weight, Arbitrary<? extends Command> a) {
        return Tuple.of(weight, a.map(Draft::of));
    }

    /** Envelopes with request ids drawn from a small pool, so retries happen. */
    record DraftEnvelope(String requestId, Draft command) {
    }

    record DraftEntry(List<DraftEnvelope> envelopes, long stamp) {
    }

    /**
     * A log: entries of 1..4 envelopes, each with a leader stamp that sometimes goes backwards.
     * Drafts are resolved against the state before their entry, as a replica applying the log
     * from the start at term 1 has it.
     */
    static Arbitrary<List<Entry>> log() {
        return log(FeatureLevel.MAX_SUPPORTED, 1, 60);
    }

    /** Logs of {@code min} to {@code max} entries of commands of feature level {@code level} ({@link #draft(int)}). */
    static Arbitrary<List<Entry>> log(int level, int min, int max) {
        return log(level, min, max, List.of());
    }

    /** As {@link #log(int, int, int)}, after {@code prefix}: drafts are resolved against the state it leaves. */
    static Arbitrary<List<Entry>> log(int level, int min, int max, List<Entry> prefix) {
        Arbitrary<String> rid = Arbitraries.integers().between(0, 30).map(i -> "req-" + i).injectNull(0.5);
        Arbitrary<DraftEnvelope> envelope = Combinators.combine(rid, draft(level)).as(DraftEnvelope::new);
        Arbitrary<DraftEntry> entry = Combinators.combine(envelope.list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.longs().between(1_000, 1_000_000)).as(DraftEntry::new);
        // Sizes drawn evenly and no edge cases (which here are logs of one entry, nearly half the
        // tries otherwise): most of what a log can reach (agents on workers, failures, expiries)
        // needs some entries first. Shrinking still finds the shortest log that fails.
        return entry.list().ofMinSize(min).ofMaxSize(max).withSizeDistribution(RandomDistribution.uniform())
                .withoutEdgeCases().map(drafts -> resolve(prefix, drafts));
    }

    private static List<Entry> resolve(List<Entry> prefix, List<DraftEntry> drafts) {
        Replica scratch = new Replica(new MemoryStore());
        List<Entry> log = new ArrayList<>(prefix.size() + drafts.size());
        for (Entry e : prefix) {
            scratch.apply(1, log.size() + 1, e.stamp(), CommandCodec.encodeBatch(e.envelopes()));
            log.add(e);
        }
        for (DraftEntry d : drafts) {
            List<Envelope> envelopes = new ArrayList<>(d.envelopes().size());
            for (DraftEnvelope e : d.envelopes()) {
                envelopes.add(new Envelope(e.requestId(), "tester", e.command().resolve(scratch.state())));
            }
            scratch.apply(1, log.size() + 1, d.stamp(), CommandCodec.encodeBatch(envelopes));
            log.add(new Entry(envelopes, d.stamp()));
        }
        return log;
    }

    record Entry(List<Envelope> envelopes, long stamp) {
    }
}
