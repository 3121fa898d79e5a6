package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.Token;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a command's token may do, decided again where it applies: a command sent with a token that
 * is gone, revoked or expired by the entry's time is refused, and a worker's token reports only on
 * its own worker's current assignments; each refusal changes nothing.
 */
class AuthorityProperties {
    private static final long TTL = 10_000;
    private long index;

    /** One worker's attempt: which worker's token, on which fencing token, what, at what time. */
    record Attempt(int reporter, int fencingOffset, int kind, boolean revokeFirst, long at) {
    }

    @Provide
    Arbitrary<List<Attempt>> attempts() {
        Arbitrary<Attempt> one = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(-1, 1), Arbitraries.integers().between(0, 5),
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 2 * TTL)).as(Attempt::new);
        return one.list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 100)
    void aWorkersTokenReportsOnlyOnItsOwnCurrentAssignments(@ForAll("attempts") List<Attempt> attempts) {
        Replica r = new Replica(new MemoryStore());
        long t0 = 1_000_000;
        apply(r, t0, "", "", new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), 8));
        apply(r, t0, "", "", new Command.RegisterWorker("w2", "a:2", "", new TreeMap<>(), 0));
        apply(r, t0, "", "", new Command.SpawnAgent("default", "x", TestAgents.spec(1,
                io.agentd.statemachine.model.RestartPolicy.ON_FAILURE)));
        Token[] tokens = new Token[3];
        for (int w = 1; w <= 2; w++) {
            tokens[w] = apply(r, t0, "", "", new Command.CreateToken(String.valueOf((char) ('a' + w)).repeat(64),
                    Role.WORKER, null, "w" + w, TTL, "")).bodyAs(Token.class);
        }
        long time = t0;
        for (Attempt a : attempts) {
            time = Math.max(time, t0 + a.at());
            Token tok = r.state().token(tokens[a.reporter()].id());
            if (a.revokeFirst() && !tok.revoked() && a.kind() == 5) {
                apply(r, time, "", "", new Command.RevokeToken(tok.id()));
                tok = r.state().token(tok.id());
            }
            Agent before = r.state().agent("default", "x");
            long revision = r.state().revision();
            long fencing = before.fencingToken() + a.fencingOffset();
            Command c = switch (a.kind() % 3) {
                case 0 -> new Command.ReportStatus("default", "x", fencing, io.agentd.statemachine.model.AgentState.RUNNING,
                        null, "");
                case 1 -> new Command.ReportHealth("default", "x", fencing, "ok", "step " + a.at());
                default -> new Command.PutCheckpoint("default", "x", fencing, "c" + a.at());
            };
            Reply reply = apply(r, time, tok.id(), "worker", c);
            boolean tokenStands = !tok.revoked() && !tok.expiredAt(time);
            boolean current = before.assigned() && fencing == before.fencingToken();
            boolean own = ("w" + a.reporter()).equals(before.worker());
            if (!tokenStands || (current && !own)) {
                assertThat(reply.code()).as(a + " on " + before.worker()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            } else if (!current) {
                assertThat(reply.code()).as(a.toString()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
            } else {
                assertThat(reply.isOk()).as(a.toString()).isTrue();
            }
            if (!reply.isOk()) {
                assertThat(r.state().revision()).isEqualTo(revision);
                assertThat(r.state().agent("default", "x")).isEqualTo(before);
            }
        }
    }

    @Property(tries = 50)
    void aWorkersTokenActsForItsOwnWorkerOnly(@ForAll("attempts") List<Attempt> attempts) {
        Replica r = new Replica(new MemoryStore());
        Token w1 = apply(r, 1_000, "", "", new Command.CreateToken("d".repeat(64), Role.WORKER, null, "w1", 0, ""))
                .bodyAs(Token.class);
        for (Attempt a : attempts) {
            String target = "w" + a.reporter();
            Command c = switch (a.kind() % 4) {
                case 0 -> new Command.RegisterWorker(target, "a:1", "", new TreeMap<>(), 1);
                case 1 -> new Command.DrainWorker(target, 1);
                case 2 -> new Command.UndrainWorker(target);
                default -> new Command.CreateNamespace("ns" + a.at(), io.agentd.statemachine.model.Quota.UNLIMITED);
            };
            long revision = r.state().revision();
            Reply reply = apply(r, 2_000, w1.id(), "worker", c);
            boolean workerCommand = !(c instanceof Command.CreateNamespace);
            if (!workerCommand || !target.equals("w1")) {
                assertThat(reply.code()).as(c.toString()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                assertThat(r.state().revision()).isEqualTo(revision);
            } else {
                assertThat(reply.code()).as(c.toString()).isNotEqualTo(ErrorCode.PERMISSION_DENIED);
            }
        }
    }

    @Property(tries = 30)
    void aCommandWithoutARoleIsNotAsked(@ForAll("attempts") List<Attempt> attempts) {
        Replica r = new Replica(new MemoryStore());
        for (Attempt a : attempts) {
            Reply reply = apply(r, 1_000, "anonymous", "", new Command.CreateNamespace("ns" + a.at(),
                    io.agentd.statemachine.model.Quota.UNLIMITED));
            assertThat(reply.code()).isNotEqualTo(ErrorCode.PERMISSION_DENIED);
        }
    }

    @Property(tries = 30)
    void aTokenThatDoesNotExistOpensNothing(@ForAll("attempts") List<Attempt> attempts) {
        Replica r = new Replica(new MemoryStore());
        for (Attempt a : attempts) {
            long revision = r.state().revision();
            Reply reply = apply(r, 1_000, "t" + (a.at() + 1), "admin", new Command.CreateNamespace("ns" + a.at(),
                    io.agentd.statemachine.model.Quota.UNLIMITED));
            assertThat(reply.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(r.state().revision()).isEqualTo(revision);
        }
    }

    private Reply apply(Replica r, long time, String actor, String role, Command c) {
        return r.apply(1, ++index, time, CommandCodec.encode(new Envelope(null, actor, role, "", c))).get(0);
    }
}
