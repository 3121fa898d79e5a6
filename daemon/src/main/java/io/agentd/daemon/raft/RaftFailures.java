package io.agentd.daemon.raft;

import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns what Ratis fails with into the exceptions {@link RaftNode} promises. */
final class RaftFailures {
    private RaftFailures() {
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * Timeouts (also as the last cause of exhausted retries) become {@link RaftTimeoutException};
     * a leader whose pending writes are at their limit, {@link RaftOverloadedException};
     * I/O and leadership trouble become {@link RaftUnavailableException}; anything else, including
     * a state machine that refused the entry, a plain {@link RaftException}.
     */
    static RaftException translate(Throwable failure, String what) {
        Throwable e = unwrap(failure);
        if (e instanceof RaftException re) {
            return re;
        }
        Throwable last = e instanceof RaftRetryFailureException && e.getCause() != null ? unwrap(e.getCause()) : e;
        if (last instanceof TimeoutIOException || last instanceof TimeoutException) {
            return new RaftTimeoutException(what + " timed out: " + e.getMessage(), e);
        }
        if (last instanceof ResourceUnavailableException) {
            // The leader's queue of pending writes is full: refused before it was appended.
            return new RaftOverloadedException(what + " was refused, the leader has too many writes pending: "
                    + last.getMessage(), e);
        }
        if (e instanceof StateMachineException) {
            return new RaftException(what + " was refused by the state machine: " + e.getMessage(), e);
        }
        if (e instanceof IOException || isGrpcStatus(e)) {
            return new RaftUnavailableException(what + " failed, the Raft group is unavailable: " + e.getMessage(), e);
        }
        return new RaftException(what + " failed: " + e, e);
    }

    /**
     * Whether a failure of the async client leaves its ordered request window failed for good:
     * Ratis' ordered client fails every later request once one fails with no retries left, is not
     * an IOException, or finds the client closed; the client must then be replaced.
     */
    static boolean poisonsClient(Throwable failure) {
        Throwable e = unwrap(failure);
        return e instanceof RaftRetryFailureException
                || e instanceof AlreadyClosedException
                || e instanceof GroupMismatchException
                || !(e instanceof IOException);
    }

    /** I/O trouble (no leader, not reachable, gRPC channel down) that a retry may get past; bugs are not. */
    static boolean isTransient(Throwable failure) {
        Throwable e = unwrap(failure);
        return e instanceof IOException || isGrpcStatus(e);
    }

    /** A failure reported by a gRPC channel (e.g. UNAVAILABLE while it waits out its reconnect backoff). */
    static boolean isGrpcStatus(Throwable e) {
        // gRPC's StatusRuntimeException is shaded inside Ratis' thirdparty jar; match by name.
        return e.getClass().getName().endsWith(".StatusRuntimeException");
    }
}
