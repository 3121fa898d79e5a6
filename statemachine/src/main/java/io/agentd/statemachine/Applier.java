package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.AuditRecord;
import io.agentd.statemachine.store.ChangeSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies committed log entries to a {@link ClusterState}. Deterministic: the result
 * depends only on the state, the entry bytes, the entry's term and the leader's stamp carried
 * with the entry. No clock, no randomness, no unordered iteration.
 *
 * <p>A domain rejection becomes a reply and changes nothing; anything else thrown from
 * here (a malformed entry, a broken invariant) must stop the node.
 */
public final class Applier {
    private final ClusterState state;

    public Applier(ClusterState state) {
        this.state = state;
    }

    public ClusterState state() {
        return state;
    }

    /**
     * Applies one log entry (a batch of envelopes) of Raft term {@code term} and fills
     * {@code changes} with what to persist. Returns one reply per envelope, in order.
     */
    public List<Reply> apply(byte[] entry, long term, long leaderTimeMillis, ChangeSet changes) {
        List<Envelope> batch = CommandCodec.decodeBatch(entry);
        state.beginEntry(changes);
        state.advanceTime(leaderTimeMillis);
        List<Reply> replies = new ArrayList<>(batch.size());
        for (Envelope e : batch) {
            replies.add(applyOne(e, term));
        }
        state.expireDedup();
        state.persistCounters();
        return replies;
    }

    /**
     * Applies one command. The revision advances only when the command changes state:
     * rejections, duplicates and no-op successes (a safe retry) leave it as it is.
     */
    private Reply applyOne(Envelope e, long term) {
        if (e.requestId() != null) {
            byte[] earlier = state.dedupReply(e.requestId());
            if (earlier != null) {
                Reply first = CommandCodec.decodeReply(earlier);
                audit(e, "DUPLICATE");
                return first;
            }
        }
        long rev = state.revision() + 1;
        int before = state.changes().size();
        Tx tx = new Tx(state, rev, state.time());
        Reply reply;
        try {
            Authority.check(state, e);
            reply = dispatch(tx, e.command(), term);
        } catch (Rejection r) {
            if (state.changes().size() != before) {
                throw new IllegalStateException(e.command().kind() + " changed state and then was rejected: " + r.getMessage());
            }
            reply = Reply.rejected(state.revision(), r);
        }
        if (state.changes().size() != before) {
            state.commitRevision(rev);
        } else if (reply.revision() != state.revision()) {
            reply = new Reply(reply.code(), reply.message(), state.revision(), reply.created(), reply.body());
        }
        if (e.requestId() != null) {
            state.putDedup(e.requestId(), CommandCodec.encodeReply(reply));
        }
        audit(e, reply.code().name());
        return reply;
    }

    private void audit(Envelope e, String result) {
        state.audit(new AuditRecord(state.revision(), state.time(), e.actor(), e.role(), e.remote(), e.requestId(),
                e.command().kind(), e.command().target(), result));
    }

    private static Reply dispatch(Tx tx, Command c, long term) {
        if (c instanceof Command.LeaderDecision d && d.term() != 0 && d.term() != term) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, c.kind() + " " + c.target() + " was decided by the leader"
                    + " of term " + d.term() + " and reached the log in term " + term + ": a decision made from a"
                    + " leader's soft state holds only in that leader's term");
        }
        if (c instanceof Command.CreateNamespace x) {
            return NamespaceRules.create(tx, x);
        } else if (c instanceof Command.SetQuota x) {
            return NamespaceRules.setQuota(tx, x);
        } else if (c instanceof Command.SpawnAgent x) {
            return AgentRules.spawn(tx, x);
        } else if (c instanceof Command.StopAgent x) {
            return AgentRules.stop(tx, x);
        } else if (c instanceof Command.DeleteAgent x) {
            return AgentRules.delete(tx, x);
        } else if (c instanceof Command.SetMetadata x) {
            return AgentRules.setMetadata(tx, x);
        } else if (c instanceof Command.ReportStatus x) {
            return AgentRules.report(tx, x);
        } else if (c instanceof Command.RegisterWorker x) {
            return WorkerRules.register(tx, x);
        } else if (c instanceof Command.ExpireWorker x) {
            return WorkerRules.expire(tx, x);
        } else if (c instanceof Command.MigrateAgent x) {
            return AgentRules.migrate(tx, x);
        } else if (c instanceof Command.DrainWorker x) {
            return WorkerRules.drain(tx, x);
        } else if (c instanceof Command.UndrainWorker x) {
            return WorkerRules.undrain(tx, x);
        } else if (c instanceof Command.PutCheckpoint x) {
            return AgentRules.putCheckpoint(tx, x);
        } else if (c instanceof Command.RescheduleAgent x) {
            return AgentRules.reschedule(tx, x);
        } else if (c instanceof Command.ReportHealth x) {
            return AgentRules.reportHealth(tx, x);
        } else if (c instanceof Command.CreateToken x) {
            return TokenRules.create(tx, x);
        } else if (c instanceof Command.RevokeToken x) {
            return TokenRules.revoke(tx, x);
        } else if (c instanceof Command.BootstrapToken x) {
            return TokenRules.bootstrap(tx, x);
        } else if (c instanceof Command.SetFeatureLevel x) {
            return ClusterRules.setFeatureLevel(tx, x);
        } else if (c instanceof Command.CheckState x) {
            return ClusterRules.checkState(tx, x);
        } else if (c instanceof Command.StartAgent x) {
            return AgentRules.start(tx, x);
        } else if (c instanceof Command.SetProvider x) {
            return ProviderRules.set(tx, x);
        } else if (c instanceof Command.DeleteProvider x) {
            return ProviderRules.delete(tx, x);
        }
        throw new IllegalStateException("no rule for " + c.kind());
    }
}
