package io.agentd.statemachine;

import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.RestartPolicy;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Generators of commands over small name pools, so commands collide often. */
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

    static Arbitrary<Command> command() {
        return Arbitraries.frequencyOf(List.of(
                Tuple(2, Combinators.combine(Arbitraries.of("team-a", "team-b", "Bad_Name"), quota())
                        .as(Command.CreateNamespace::new)),
                Tuple(2, Combinators.combine(ns(), quota()).as(Command.SetQuota::new)),
                Tuple(8, Combinators.combine(ns(), agent(), spec()).as(Command.SpawnAgent::new)),
                Tuple(2, Combinators.combine(ns(), agent()).as(Command.StopAgent::new)),
                Tuple(2, Combinators.combine(ns(), agent()).as(Command.DeleteAgent::new)),
                Tuple(4, Combinators.combine(ns(), agent(), Arbitraries.of("k1", "k2"),
                        Arbitraries.strings().alpha().ofMaxLength(3),
                        Arbitraries.longs().between(0, 40).injectNull(0.4)).as(Command.SetMetadata::new)),
                Tuple(3, Combinators.combine(ns(), agent(), Arbitraries.longs().between(1, 60),
                        Arbitraries.of(AgentState.RUNNING, AgentState.STOPPED, AgentState.FAILED, AgentState.PENDING),
                        Arbitraries.integers().between(0, 2).injectNull(0.5), Arbitraries.integers().between(0, 3))
                        .as((n, a, t, s, e, r) -> new Command.ReportStatus(n, a, t, s, e, "", r))),
                Tuple(2, Combinators.combine(ns(), agent(), Arbitraries.longs().between(1, 60),
                        Arbitraries.integers().between(0, 3), term()).as(Command.RescheduleAgent::new)),
                Tuple(2, Combinators.combine(ns(), agent(), Arbitraries.longs().between(1, 60),
                        Arbitraries.of("ok", "degraded", "bad"), Arbitraries.of("", "step 1", "step 2"))
                        .as(Command.ReportHealth::new)),
                Tuple(2, Combinators.combine(Arbitraries.of(WORKERS), Arbitraries.integers().between(0, 5),
                        Arbitraries.of(Map.<String, String>of(), Map.of("gpu", "yes")))
                        .as((id, cap, labels) -> new Command.RegisterWorker(id, "127.0.0.1:7422", "z1",
                                new TreeMap<>(labels), cap))),
                Tuple(2, Combinators.combine(Arbitraries.of(WORKERS), Arbitraries.longs().between(0, 60), term())
                        .as(Command.ExpireWorker::new)),
                Tuple(2, Combinators.combine(ns(), agent(), Arbitraries.of(WORKERS).injectNull(0.5))
                        .as(Command.MigrateAgent::new)),
                Tuple(1, Combinators.combine(Arbitraries.of(WORKERS), Arbitraries.integers().between(1, 2))
                        .as(Command.DrainWorker::new)),
                Tuple(1, Arbitraries.of(WORKERS).map(Command.UndrainWorker::new)),
                Tuple(2, Combinators.combine(ns(), agent(), Arbitraries.longs().between(1, 60),
                        Arbitraries.strings().alpha().ofMaxLength(5)).as(Command.PutCheckpoint::new))
        ));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<Command>> Tuple(int weight, Arbitrary<? extends Command> a) {
        return net.jqwik.api.Tuple.of(weight, (Arbitrary) a);
    }

    /** Envelopes with request ids drawn from a small pool, so retries happen. */
    static Arbitrary<Envelope> envelope() {
        Arbitrary<String> rid = Arbitraries.integers().between(0, 30).map(i -> "req-" + i).injectNull(0.5);
        return Combinators.combine(rid, command()).as((r, c) -> new Envelope(r, "tester", c));
    }

    /** A log: entries of 1..4 envelopes, each with a leader stamp that sometimes goes backwards. */
    static Arbitrary<List<Entry>> log() {
        Arbitrary<Entry> entry = Combinators.combine(envelope().list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.longs().between(1_000, 1_000_000)).as(Entry::new);
        return entry.list().ofMinSize(1).ofMaxSize(60);
    }

    record Entry(List<Envelope> envelopes, long stamp) {
    }
}
