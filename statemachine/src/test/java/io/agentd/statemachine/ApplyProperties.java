package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The state machine's rules over random command sequences. */
class ApplyProperties {

    private static List<List<Reply>> replay(Replica r, List<Commands.Entry> log, int from, int to) {
        List<List<Reply>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Commands.Entry e = log.get(i);
            out.add(r.apply(1, i + 1, e.stamp(), CommandCodec.encodeBatch(e.envelopes())));
        }
        return out;
    }

    @Property(tries = 200)
    void replayGivesIdenticalStateAndReplies(@ForAll("log") List<Commands.Entry> log) {
        Replica a = new Replica(new MemoryStore());
        Replica b = new Replica(new MemoryStore());
        List<List<Reply>> ra = replay(a, log, 0, log.size());
        List<List<Reply>> rb = replay(b, log, 0, log.size());
        assertThat(rb).isEqualTo(ra);
        assertThat(b.state().fingerprint()).isEqualTo(a.state().fingerprint());
    }

    @Property(tries = 100)
    void snapshotPlusTailEqualsFullReplay(@ForAll("log") List<Commands.Entry> log,
                                          @ForAll @IntRange(min = 0, max = 60) int cut) throws Exception {
        int k = Math.min(cut, log.size());
        Replica full = new Replica(new MemoryStore());
        replay(full, log, 0, log.size());

        Replica first = new Replica(new MemoryStore());
        replay(first, log, 0, k);
        Path dir = Files.createTempDirectory("snap").resolve("cp");
        first.checkpoint(dir);
        Replica second = new Replica(new MemoryStore());
        second.restore(dir);
        assertThat(second.lastApplied()).isEqualTo(first.lastApplied());
        replay(second, log, k, log.size());
        assertThat(second.state().fingerprint()).isEqualTo(full.state().fingerprint());

        // A restart reloads the same registry from the store.
        MemoryStore store = new MemoryStore();
        Replica third = new Replica(store);
        replay(third, log, 0, k);
        Replica restarted = new Replica(store);
        replay(restarted, log, 0, log.size()); // entries <= applied are skipped
        assertThat(restarted.state().fingerprint()).isEqualTo(full.state().fingerprint());
    }

    @Property(tries = 200)
    void invariantsHoldAfterEveryEntry(@ForAll("log") List<Commands.Entry> log) {
        Replica r = new Replica(new MemoryStore());
        Map<String, Reply> firstReplyByRequest = new HashMap<>();
        Map<AgentKey, Long> lastToken = new HashMap<>();
        Map<Long, AgentKey> ids = new HashMap<>();
        long lastTime = Long.MIN_VALUE;
        long lastRevision = 0;
        for (int i = 0; i < log.size(); i++) {
            Commands.Entry e = log.get(i);
            List<Reply> replies = r.apply(1, i + 1, e.stamp(), CommandCodec.encodeBatch(e.envelopes()));
            ClusterState s = r.state();
            assertThat(replies).hasSize(e.envelopes().size());
            // A revision per state-changing command, even in a batch; rejections change nothing.
            long revBefore = lastRevision;
            long changed = replies.stream().filter(x -> x.revision() > revBefore).map(Reply::revision)
                    .distinct().count();
            assertThat(s.revision()).isEqualTo(lastRevision + changed);
            for (Reply x : replies) {
                if (!x.isOk()) {
                    assertThat(x.revision()).isLessThanOrEqualTo(s.revision());
                }
            }
            lastRevision = s.revision();
            // Time never runs backwards.
            assertThat(s.time()).isGreaterThanOrEqualTo(lastTime);
            lastTime = s.time();

            for (int j = 0; j < replies.size(); j++) {
                Envelope env = e.envelopes().get(j);
                Reply reply = replies.get(j);
                if (env.requestId() != null) {
                    Reply first = firstReplyByRequest.putIfAbsent(env.requestId(), reply);
                    if (first != null) {
                        assertThat(reply).as("a retried request id answers its first reply").isEqualTo(first);
                        continue;
                    }
                }
                if (reply.isOk() && reply.created() && env.command() instanceof Command.SpawnAgent) {
                    Agent a = reply.bodyAs(Agent.class);
                    assertThat(ids.put(a.id(), a.key())).as("agent ids are unique").isNull();
                }
                if (!reply.isOk()) {
                    assertThat(reply.created()).isFalse();
                }
            }
            // Agents: unique by key, worker slots accounted, tokens only grow, assigned to real workers.
            Map<String, Integer> used = new HashMap<>();
            for (Agent a : s.agents(null, x -> true, Integer.MAX_VALUE)) {
                if (a.assigned()) {
                    Worker w = s.worker(a.worker());
                    assertThat(w).as("assigned to a registered worker").isNotNull();
                    used.merge(a.worker(), a.spec().slots(), Integer::sum);
                    Long prev = lastToken.put(a.key(), a.fencingToken());
                    if (prev != null) {
                        assertThat(a.fencingToken()).isGreaterThanOrEqualTo(prev);
                    }
                    assertThat(a.fencingToken()).isLessThanOrEqualTo(s.revision());
                }
                Namespace ns = s.namespace(a.namespace());
                assertThat(ns).as("agent in an existing namespace").isNotNull();
                // History: ended assignments in token order, each older than the current one.
                long prevEnded = 0;
                for (var h : a.history()) {
                    assertThat(h.fencingToken()).isGreaterThan(prevEnded);
                    assertThat(h.endRevision()).isGreaterThanOrEqualTo(h.fencingToken());
                    prevEnded = h.fencingToken();
                }
                if (a.assigned()) {
                    assertThat(a.fencingToken()).isGreaterThan(prevEnded);
                }
                assertThat(a.history()).hasSizeLessThanOrEqualTo(Agent.HISTORY);
                if (!a.assigned()) {
                    assertThat(a.health()).as("health belongs to a running instance").isNull();
                }
                assertThat(a.restarts()).isGreaterThanOrEqualTo(a.instanceRestarts());
                boolean candidate = a.state() == io.agentd.statemachine.model.AgentState.FAILED
                        && a.desired() == DesiredState.RUNNING
                        && a.spec().restart() != io.agentd.statemachine.model.RestartPolicy.NEVER;
                assertThat(s.failedToRun(Integer.MAX_VALUE).contains(a)).isEqualTo(candidate);
            }
            for (Worker w : s.workers()) {
                assertThat(s.usedSlots(w.id())).isEqualTo(used.getOrDefault(w.id(), 0));
                if (w.state() == io.agentd.statemachine.model.WorkerState.DOWN) {
                    assertThat(s.agentsOn(w.id())).as("a down worker runs nothing").isEmpty();
                }
            }
            for (Namespace n : s.namespaces()) {
                long count = s.agents(n.name(), x -> true, Integer.MAX_VALUE).size();
                long slots = s.agents(n.name(), x -> x.desired() == DesiredState.RUNNING, Integer.MAX_VALUE).stream()
                        .mapToLong(x -> x.spec().slots()).sum();
                assertThat(s.usage(n.name())).containsExactly(count, slots);
            }
        }
    }

    @Property(tries = 200)
    void rejectedCommandsChangeNothing(@ForAll("log") List<Commands.Entry> log) {
        Replica r = new Replica(new MemoryStore());
        long index = 0;
        for (Commands.Entry e : log) {
            for (Envelope env : e.envelopes()) {
                String before = r.state().fingerprint();
                long revBefore = r.state().revision();
                List<Reply> replies = r.apply(1, ++index, e.stamp(), CommandCodec.encode(new Envelope(null, "t", env.command())));
                if (!replies.get(0).isOk()) {
                    assertThat(r.state().revision()).isEqualTo(revBefore);
                    // Only the log time and the audit trail move (both come with every entry), nothing else.
                    assertThat(r.state().fingerprint().replaceFirst("time=\\d+ audit=\\d+", ""))
                            .isEqualTo(before.replaceFirst("time=\\d+ audit=\\d+", ""));
                }
            }
        }
    }

    @Property(tries = 200)
    void quotaIsNeverExceededBySpawns(@ForAll("log") List<Commands.Entry> log) {
        // Replay one envelope per entry, so usage before each spawn is observable.
        Replica r = new Replica(new MemoryStore());
        long index = 0;
        for (Commands.Entry e : log) {
            for (Envelope env : e.envelopes()) {
                Envelope fresh = new Envelope(null, env.actor(), env.command());
                long[] before = env.command() instanceof Command.SpawnAgent sp ? r.state().usage(sp.namespace())
                        : env.command() instanceof Command.StartAgent st ? r.state().usage(st.namespace()) : null;
                io.agentd.statemachine.model.Agent starting = env.command() instanceof Command.StartAgent st
                        ? r.state().agent(st.namespace(), st.name()) : null;
                List<Reply> replies = r.apply(1, ++index, e.stamp(), CommandCodec.encode(fresh));
                Reply reply = replies.get(0);
                if (env.command() instanceof Command.SpawnAgent sp && reply.isOk() && reply.created()) {
                    Namespace ns = r.state().namespace(sp.namespace());
                    if (ns.quota().maxAgents() != null) {
                        assertThat(before[0] + 1).isLessThanOrEqualTo(ns.quota().maxAgents());
                    }
                    if (ns.quota().maxSlots() != null) {
                        assertThat(before[1] + sp.spec().slots()).isLessThanOrEqualTo(ns.quota().maxSlots());
                    }
                }
                if (env.command() instanceof Command.StartAgent st && reply.isOk() && starting != null
                        && r.state().usage(st.namespace())[1] > before[1]) {
                    Quota q = r.state().namespace(st.namespace()).quota();
                    if (q.maxSlots() != null) {
                        assertThat(before[1] + starting.spec().slots()).isLessThanOrEqualTo(q.maxSlots());
                    }
                }
                if (reply.code() == ErrorCode.QUOTA_EXCEEDED && env.command() instanceof Command.StartAgent st) {
                    // A start is refused only when the agent's slots would go over the slot quota.
                    Quota q = r.state().namespace(st.namespace()).quota();
                    assertThat(q.maxSlots() != null && before[1] + starting.spec().slots() > q.maxSlots())
                            .as("%s refused at usage %s under %s", st.name(), java.util.Arrays.toString(before), q)
                            .isTrue();
                } else if (reply.code() == ErrorCode.QUOTA_EXCEEDED) {
                    // Refused only when the spawn would really have gone over a limit.
                    Command.SpawnAgent sp = (Command.SpawnAgent) env.command();
                    Quota q = r.state().namespace(sp.namespace()).quota();
                    boolean overAgents = q.maxAgents() != null && before[0] + 1 > q.maxAgents();
                    boolean overSlots = q.maxSlots() != null && before[1] + sp.spec().slots() > q.maxSlots();
                    assertThat(overAgents || overSlots).as("%s refused at usage %s under %s", sp.name(),
                            java.util.Arrays.toString(before), q).isTrue();
                }
            }
        }
    }

    @Property(tries = 200)
    void onlyTheCurrentInstanceIsHeard(@ForAll("log") List<Commands.Entry> log) {
        // One envelope per entry, so the agent as the command found it is observable.
        Replica r = new Replica(new MemoryStore());
        long index = 0;
        for (Commands.Entry e : log) {
            for (Envelope env : e.envelopes()) {
                Agent before = null;
                long token = -1;
                if (env.command() instanceof Command.ReportStatus c) {
                    before = r.state().agent(c.namespace(), c.name());
                    token = c.fencingToken();
                } else if (env.command() instanceof Command.ReportHealth c) {
                    before = r.state().agent(c.namespace(), c.name());
                    token = c.fencingToken();
                } else if (env.command() instanceof Command.PutCheckpoint c) {
                    before = r.state().agent(c.namespace(), c.name());
                    token = c.fencingToken();
                }
                Reply reply = r.apply(1, ++index, e.stamp(), CommandCodec.encode(new Envelope(null, "t", env.command())))
                        .get(0);
                if (token != -1 && reply.isOk()) {
                    assertThat(before).as("%s accepted", env.command()).isNotNull();
                    assertThat(before.assigned() && before.fencingToken() == token)
                            .as("%s accepted from token %d; the agent had %s", env.command().kind(), token, before)
                            .isTrue();
                }
            }
        }
    }

    /**
     * The generated logs exercise what they are meant to: reports, health and checkpoints from the
     * current instance are accepted often, and stale tokens are still refused; expiries decided on
     * a worker's current revision apply often, stale ones are refused, and so are stale reschedules
     * (an accepted reschedule needs a failed agent first, and stays rare). A command whose request
     * id was seen before answers its first reply and is not counted.
     */
    @Property(tries = 200)
    void generatedLogsAimAtCurrentInstancesOftenAndStaleOnesSometimes(@ForAll("log") List<Commands.Entry> log) {
        Replica r = new Replica(new MemoryStore());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < log.size(); i++) {
            Commands.Entry e = log.get(i);
            List<Reply> replies = r.apply(1, i + 1, e.stamp(), CommandCodec.encodeBatch(e.envelopes()));
            for (int j = 0; j < replies.size(); j++) {
                Envelope env = e.envelopes().get(j);
                if (env.requestId() != null && !seen.add(env.requestId())) {
                    continue;
                }
                Command c = env.command();
                if (c instanceof Command.ReportStatus || c instanceof Command.ReportHealth
                        || c instanceof Command.PutCheckpoint || c instanceof Command.RescheduleAgent
                        || c instanceof Command.ExpireWorker) {
                    Statistics.label(c.kind()).collect(replies.get(j).code());
                }
            }
        }
        for (String kind : List.of("ReportStatus", "ReportHealth", "PutCheckpoint")) {
            Statistics.label(kind).coverage(c -> {
                c.check(ErrorCode.OK).percentage(p -> p >= 10);
                c.check(ErrorCode.FAILED_PRECONDITION).percentage(p -> p >= 2);
            });
        }
        Statistics.label("ExpireWorker").coverage(c -> {
            c.check(ErrorCode.OK).percentage(p -> p >= 10);
            c.check(ErrorCode.FAILED_PRECONDITION).percentage(p -> p >= 10);
        });
        Statistics.label("RescheduleAgent").coverage(c -> c.check(ErrorCode.FAILED_PRECONDITION).percentage(p -> p >= 10));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<List<Commands.Entry>> log() {
        return Commands.log();
    }
}
