package io.agentd.daemon.raft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers leadership changes to listeners on one dedicated thread, in the order they happened,
 * and only on a change (Ratis reports the loss of leadership through more than one callback). A
 * leader elected again in a later term is a change even if no loss was heard in between.
 * Listeners may block briefly (start or stop a service) without holding up Ratis.
 */
final class LeadershipEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipEvents.class);

    private final List<Consumer<Leadership>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;
    private volatile Thread eventThread;
    /** Only read and written on {@link #thread}. */
    private Leadership current = Leadership.NONE;

    LeadershipEvents(String nodeId) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raft-leadership-" + nodeId);
            t.setDaemon(true);
            eventThread = t;
            return t;
        });
    }

    /** Adds a listener; if this node leads right now it hears so at once (on the event thread). */
    void add(Consumer<Leadership> listener) {
        run(() -> {
            listeners.add(listener);
            if (current.leading()) {
                deliver(listener, current);
            }
        });
    }

    void changed(Leadership now) {
        run(() -> {
            if (!current.equals(now)) {
                current = now;
                LOG.info("leadership {}", now.leading() ? "gained: " + now : "lost");
                for (Consumer<Leadership> l : listeners) {
                    deliver(l, now);
                }
            }
        });
    }

    /** Runs a task on the event thread, after the events already queued. */
    void post(Runnable task) {
        run(task);
    }

    /** Tells listeners leadership is lost (if it was held), then stops the event thread. */
    @Override
    public void close() {
        changed(Leadership.NONE);
        thread.shutdown();
        if (Thread.currentThread() == eventThread) {
            return; // closed by a listener: the queued events run after it returns
        }
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("leadership listeners did not finish within 10s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("leadership event after close dropped");
        }
    }

    private static void deliver(Consumer<Leadership> listener, Leadership leading) {
        try {
            listener.accept(leading);
        } catch (RuntimeException e) {
            // A broken listener must not keep the others (or Raft) from hearing about leadership.
            LOG.error("leadership listener {} failed on {}", listener, leading, e);
        }
    }
}
