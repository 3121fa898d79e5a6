package io.agentd.jepsen.checker;

import java.util.Arrays;

/**
 * The search's memo of configurations already explored (Lowe's improvement to WGL), with
 * subsumption for optional ops.
 *
 * <p>A configuration is the set of linearized ops and the model state. Its ops split into
 * required ones and optional ones (unknown outcome, returning at the end: they can always be
 * linearized last instead, so they never have to happen). A configuration that used a subset of
 * the optional ops another one used, with the same required ops and state, can do everything the
 * other can; so once it was explored, the other need not be. The memo keys on (required ops,
 * state) and keeps, per key, the minimal sets of optional ops seen.
 *
 * <p>Open addressing over parallel arrays, probed with the search's live bitsets: sets are copied
 * only when new, which most probes are not.
 */
final class ConfigMemo {
    private static final long[][] NO_MASKS = new long[0][];

    private final int optionalWords;
    private long[][] required = new long[1 << 10][];
    private Object[] states = new Object[1 << 10];
    private long[] hashes = new long[1 << 10];
    /** Per slot: the minimal sets of optional ops seen (unused when there are no optional ops). */
    private long[][][] optionalSets = new long[1 << 10][][];
    private int size;
    private long optionalSetCount;

    ConfigMemo(int optionalOps) {
        optionalWords = (optionalOps + 63) >>> 6;
    }

    /**
     * Records a configuration; false if it, or one that subsumes it, was recorded before.
     *
     * @param hash a hash of {@code requiredOps} and {@code state} together
     */
    boolean add(long[] requiredOps, Object state, long hash, long[] optionalOps) {
        int mask = required.length - 1;
        int slot = spread(hash) & mask;
        while (required[slot] != null) {
            if (hashes[slot] == hash && Arrays.equals(required[slot], requiredOps) && states[slot].equals(state)) {
                return optionalWords > 0 && addOptionalSet(slot, optionalOps);
            }
            slot = (slot + 1) & mask;
        }
        required[slot] = requiredOps.clone();
        states[slot] = state;
        hashes[slot] = hash;
        optionalSets[slot] = optionalWords == 0 ? NO_MASKS : new long[][] {optionalOps.clone()};
        optionalSetCount += optionalWords == 0 ? 0 : 1;
        if (++size * 2 > required.length) {
            grow();
        }
        return true;
    }

    /** Rough bytes held, for the memory guard. */
    long bytes(int requiredWords) {
        return size * (72L + 8L * requiredWords) + optionalSetCount * (24L + 8L * optionalWords);
    }

    private boolean addOptionalSet(int slot, long[] optionalOps) {
        long[][] sets = optionalSets[slot];
        for (long[] seen : sets) {
            if (isSubset(seen, optionalOps)) {
                return false;
            }
        }
        long[][] updated = new long[sets.length + 1][];
        int kept = 0;
        for (long[] seen : sets) {
            if (!isSubset(optionalOps, seen)) {
                updated[kept++] = seen; // a superset of the new set is subsumed by it: drop it
            }
        }
        updated[kept++] = optionalOps.clone();
        optionalSets[slot] = kept == updated.length ? updated : Arrays.copyOf(updated, kept);
        optionalSetCount += kept - sets.length;
        return true;
    }

    private static boolean isSubset(long[] small, long[] big) {
        for (int i = 0; i < small.length; i++) {
            if ((small[i] & ~big[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    private void grow() {
        long[][] oldRequired = required;
        Object[] oldStates = states;
        long[] oldHashes = hashes;
        long[][][] oldSets = optionalSets;
        int capacity = oldRequired.length * 2;
        required = new long[capacity][];
        states = new Object[capacity];
        hashes = new long[capacity];
        optionalSets = new long[capacity][][];
        int mask = capacity - 1;
        for (int i = 0; i < oldRequired.length; i++) {
            if (oldRequired[i] != null) {
                int slot = spread(oldHashes[i]) & mask;
                while (required[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                required[slot] = oldRequired[i];
                states[slot] = oldStates[i];
                hashes[slot] = oldHashes[i];
                optionalSets[slot] = oldSets[i];
            }
        }
    }

    private static int spread(long hash) {
        long h = hash * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
