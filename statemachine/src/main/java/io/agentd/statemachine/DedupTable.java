package io.agentd.statemachine;

import io.agentd.statemachine.codec.WireReader;
import io.agentd.statemachine.codec.WireWriter;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.DurableStore;
import io.agentd.statemachine.store.Table;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The first reply to each client request id, so a retried write answers as the first try did and
 * applies once. Ids are forgotten, oldest first, after a time to live in log time or beyond a
 * count. Stored as the log time (8 bytes, big-endian) followed by the encoded reply.
 */
final class DedupTable {
    /** How long, in log time, a request id's reply is kept by default. */
    static final long TTL_MILLIS = 60 * 60 * 1000L;
    /** At most this many request ids are remembered by default; the oldest go first. */
    static final int MAX = 200_000;

    record Entry(long time, byte[] reply) {
    }

    /** Expiry order: by log time, then id. */
    record DedupKey(long time, String requestId) implements Comparable<DedupKey> {
        @Override
        public int compareTo(DedupKey o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : requestId.compareTo(o.requestId);
        }
    }

    private final long ttlMillis;
    private final int max;
    /** Read by id only, never iterated in apply (expiry walks {@link #order}). */
    private final HashMap<String, Entry> byId = new HashMap<>();
    private final TreeSet<DedupKey> order = new TreeSet<>();

    DedupTable() {
        this(TTL_MILLIS, MAX);
    }

    DedupTable(long ttlMillis, int max) {
        if (ttlMillis < 0 || max < 0) {
            throw new IllegalArgumentException("ttl " + ttlMillis + " ms, max " + max);
        }
        this.ttlMillis = ttlMillis;
        this.max = max;
    }

    /** The encoded first reply to a request id, or null when it is not remembered. */
    byte[] reply(String requestId) {
        Entry e = byId.get(requestId);
        return e == null ? null : e.reply();
    }

    /** Remembers the reply to a request id as of log time {@code time}, and records it in {@code changes}. */
    void put(String requestId, long time, byte[] reply, ChangeSet changes) {
        Entry old = byId.put(requestId, new Entry(time, reply));
        if (old != null) {
            order.remove(new DedupKey(old.time(), requestId));
        }
        order.add(new DedupKey(time, requestId));
        WireWriter w = new WireWriter(reply.length + 12);
        w.i64(time).raw(reply);
        changes.put(Table.DEDUP, Keys.requestId(requestId), w.toByteArray());
    }

    /**
     * Forgets the ids older than the time to live at log time {@code now}, and the oldest beyond
     * the count bound, recording the deletions in {@code changes}.
     */
    void expire(long now, ChangeSet changes) {
        while (!order.isEmpty()) {
            DedupKey oldest = order.first();
            if (oldest.time() >= now - ttlMillis && order.size() <= max) {
                return;
            }
            order.pollFirst();
            byId.remove(oldest.requestId());
            changes.delete(Table.DEDUP, Keys.requestId(oldest.requestId()));
        }
    }

    /** Reads the request ids of a store into this empty table. */
    void load(DurableStore store) {
        List<DedupKey> loaded = new ArrayList<>();
        store.scan(Table.DEDUP, (k, v) -> {
            long t = new WireReader(v).i64();
            byte[] reply = Arrays.copyOfRange(v, 8, v.length);
            String id = new String(k, StandardCharsets.UTF_8);
            byId.put(id, new Entry(t, reply));
            loaded.add(new DedupKey(t, id));
        });
        DedupKey[] sorted = loaded.toArray(new DedupKey[0]);
        Arrays.sort(sorted);
        SortedArrays.addAll(order, sorted, sorted.length);
    }

    /** The remembered replies, one line each, by request id. */
    void fingerprint(StringBuilder sb) {
        new TreeMap<>(byId).forEach((k, v) -> sb.append(k).append('@').append(v.time()).append('=')
                .append(HexFormat.of().formatHex(v.reply())).append('\n'));
    }

    /** The expiry order. */
    void fingerprintOrder(StringBuilder sb) {
        sb.append("dedup order ").append(order).append('\n');
    }
}
