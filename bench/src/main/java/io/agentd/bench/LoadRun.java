package io.agentd.bench;

import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One load pattern in force and what it measured. Open loop: a {@link Schedule} from {@code t0},
 * each send at its intended time whatever the answers do. Closed loop ({@code schedule} null):
 * every connection sends again as soon as it has its answer, cycling over {@code closedWorkers}
 * workers; the intended time is then the send time. Measured: sends intended in
 * [{@code windowStart}, {@code windowEnd}).
 */
final class LoadRun {
    final Schedule schedule;
    final int closedWorkers;
    final long t0;
    final boolean measuring;
    final long windowStart;
    final long windowEnd;
    final AtomicLong next;
    final Recorder measured = new Recorder(3);
    final Recorder service = new Recorder(3);
    final LongAdder measuredDone = new LongAdder();
    final LongAdder measuredSent = new LongAdder();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    LoadRun(Schedule schedule, long t0, boolean measuring, long windowStart, long windowEnd) {
        this(schedule, 0, t0, 0, measuring, windowStart, windowEnd);
    }

    /**
     * Open loop on a schedule whose time origin {@code epoch} is shared by every run of a process,
     * starting with the first send intended at or after {@code from}: a run that replaces another
     * (the fleet grew, a window starts) keeps every worker's renewal times, so no worker waits
     * longer than a period whatever how often the run changes.
     */
    static LoadRun continuing(Schedule schedule, long epoch, long from, boolean measuring, long windowStart,
                              long windowEnd) {
        return new LoadRun(schedule, 0, epoch, schedule.slotsBefore(from - epoch), measuring, windowStart, windowEnd);
    }

    private LoadRun(Schedule schedule, int closedWorkers, long t0, long firstSlot, boolean measuring,
                    long windowStart, long windowEnd) {
        this.next = new AtomicLong(firstSlot);
        this.schedule = schedule;
        this.closedWorkers = closedWorkers;
        this.t0 = t0;
        this.measuring = measuring;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    /** Closed loop over workers [0, workers). */
    static LoadRun closed(int workers, long t0, boolean measuring, long windowStart, long windowEnd) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive: " + workers);
        }
        return new LoadRun(null, workers, t0, 0, measuring, windowStart, windowEnd);
    }

    boolean openLoop() {
        return schedule != null;
    }

    boolean measures(long intended) {
        return measuring && intended - windowStart >= 0 && intended - windowEnd < 0;
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }
}
