package io.agentd.statemachine.codec;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Values decoded before, found by their encoding: a range of the input is hashed and compared
 * byte for byte, so a value seen before is handed out again without decoding it or allocating
 * anything. Loading a registry decodes a million agents made of a few specs and namespace names;
 * decoding each again only to find it in a cache was most of the garbage of a load.
 *
 * <p>Only for immutable values that the same bytes always decode to (equal values): handing out
 * a shared instance then changes no result, only memory. Bounded: a fixed table of
 * {@code capacity} slots; a new value takes a free slot among the few its hash points at, or
 * replaces the first of them. Thread-safe without locks (decoders run on several threads).
 */
final class EncodingCache<T> {
    /** Slots looked at per hash before a new value replaces the first one. */
    private static final int PROBES = 4;

    private record Entry<T>(byte[] encoding, int hash, T value) {
    }

    private final AtomicReferenceArray<Entry<T>> slots;
    private final int mask;

    /** @param capacity slots, a power of two */
    EncodingCache(int capacity) {
        if (capacity < PROBES || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two of at least " + PROBES + ": " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /** The hash {@link #get} and {@link #put} want for {@code buf[from, to)}. */
    static int hash(byte[] buf, int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + buf[i];
        }
        return h ^ (h >>> 16);
    }

    /** The value stored for exactly the bytes {@code buf[from, to)}, or null. */
    T get(byte[] buf, int from, int to, int hash) {
        for (int p = 0; p < PROBES; p++) {
            Entry<T> e = slots.get((hash + p) & mask);
            if (e == null) {
                return null;
            }
            if (e.hash == hash && Arrays.equals(e.encoding, 0, e.encoding.length, buf, from, to)) {
                return e.value;
            }
        }
        return null;
    }

    /** Remembers {@code value} as what {@code buf[from, to)} decodes to (the bytes are copied). */
    void put(byte[] buf, int from, int to, int hash, T value) {
        Entry<T> entry = new Entry<>(Arrays.copyOfRange(buf, from, to), hash, value);
        for (int p = 0; p < PROBES; p++) {
            if (slots.compareAndSet((hash + p) & mask, null, entry)) {
                return;
            }
        }
        slots.set(hash & mask, entry);
    }
}
