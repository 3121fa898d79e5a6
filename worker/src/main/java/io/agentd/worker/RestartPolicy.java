package io.agentd.worker;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Supervision of one agent's exits: its restart policy ({@code always}, {@code on-failure},
 * {@code never}), at most {@code maxRestarts} restarts within {@code window} (the intensity
 * limit), and an exponential backoff between restarts (200 ms doubling, at most 10 s). Pure: the
 * caller passes the time and keeps the history; no thread of its own.
 */
final class RestartPolicy {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** What follows an exit. */
    sealed interface Next {
    }

    /** Start it again after {@code backoff}. */
    record Restart(Duration backoff) implements Next {
    }

    /** It ends here: report {@code state} ("stopped" or "failed"); {@code gaveUp} when the intensity limit ended it. */
    record End(String state, boolean gaveUp) implements Next {
    }

    private final int maxRestarts;
    private final Duration window;

    RestartPolicy(int maxRestarts, Duration window) {
        this.maxRestarts = maxRestarts;
        this.window = window;
    }

    /**
     * Decides what follows an exit with {@code exit} under {@code policy}. {@code restartTimes}
     * holds the monotonic times of this assignment's earlier restarts, oldest first; a restart
     * decided here is added to it.
     */
    Next afterExit(String policy, int exit, ArrayDeque<Long> restartTimes, long nowNanos) {
        boolean restart = "always".equals(policy) || ("on-failure".equals(policy) && exit != 0);
        if (!restart) {
            return new End(exit == 0 ? "stopped" : "failed", false);
        }
        while (!restartTimes.isEmpty() && nowNanos - restartTimes.peekFirst() > window.toNanos()) {
            restartTimes.pollFirst();
        }
        if (restartTimes.size() >= maxRestarts) {
            return new End("failed", true);
        }
        restartTimes.addLast(nowNanos);
        long backoff = Math.min(MAX_BACKOFF.toMillis(),
                FIRST_BACKOFF.toMillis() << Math.min(6, restartTimes.size() - 1));
        return new Restart(Duration.ofMillis(backoff));
    }
}
