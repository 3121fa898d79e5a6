package io.agentd.statemachine;

import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.model.Event;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.DurableStore;
import io.agentd.statemachine.store.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The change feed behind /v1/events: events in (revision, seq) order, the oldest dropped once more
 * than a retention are kept.
 */
final class EventFeed {
    /** Events kept by default; older ones are dropped in revision order. */
    static final int RETENTION = 100_000;

    record Key(long revision, int seq) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(revision, o.revision);
            return c != 0 ? c : Integer.compare(seq, o.seq);
        }
    }

    private final int retention;
    private final TreeMap<Key, Event> events = new TreeMap<>();
    /** Events up to this revision may have been dropped (read side only: not replicated). */
    private long prunedThrough;

    EventFeed() {
        this(RETENTION);
    }

    /** A feed that keeps the last {@code retention} events. */
    EventFeed(int retention) {
        if (retention < 1) {
            throw new IllegalArgumentException("retention must be at least 1, got " + retention);
        }
        this.retention = retention;
    }

    /** Appends an event, dropping the oldest beyond the retention, and records both in {@code changes}. */
    void append(Event e, ChangeSet changes) {
        events.put(new Key(e.revision(), e.seq()), e);
        changes.put(Table.EVENTS, Keys.event(e.revision(), e.seq()), EntityCodec.event(e));
        while (events.size() > retention) {
            Key k = events.pollFirstEntry().getKey();
            prunedThrough = Math.max(prunedThrough, k.revision());
            changes.delete(Table.EVENTS, Keys.event(k.revision(), k.seq()));
        }
    }

    /** Events with revision greater than {@code after}, oldest first, at most limit. */
    List<Event> after(long after, int limit) {
        List<Event> out = new ArrayList<>();
        for (Event e : events.tailMap(new Key(after, Integer.MAX_VALUE), false).values()) {
            out.add(e);
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    /** The newest {@code n} events, oldest first. */
    List<Event> last(int n) {
        List<Event> out = new ArrayList<>(Math.min(n, events.size()));
        for (Event e : events.descendingMap().values()) {
            if (out.size() >= n) {
                break;
            }
            out.add(e);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** Events at or below this revision may be gone; a reader that is behind it missed some. */
    long prunedThrough() {
        return prunedThrough;
    }

    /** Revision of the oldest retained event, or 0 when none. */
    long oldestRevision() {
        return events.isEmpty() ? 0 : events.firstKey().revision();
    }

    /**
     * Reads the events of a store into this empty feed. A full feed may have dropped events: all
     * below the oldest kept are taken as gone, since which were is not stored.
     */
    void load(DurableStore store) {
        List<Key> keys = new ArrayList<>();
        List<Event> values = new ArrayList<>();
        store.scan(Table.EVENTS, (k, v) -> {
            Event e = EntityCodec.event(v);
            keys.add(new Key(e.revision(), e.seq()));
            values.add(e);
        });
        SortedArrays.putAll(events, keys.toArray(new Key[0]), values.toArray(new Event[0]), keys.size());
        if (events.size() >= retention) {
            prunedThrough = events.firstKey().revision() - 1;
        }
    }

    /** The events, one line each, in feed order. */
    void fingerprint(StringBuilder sb) {
        events.values().forEach(e -> sb.append(e).append('\n'));
    }
}
