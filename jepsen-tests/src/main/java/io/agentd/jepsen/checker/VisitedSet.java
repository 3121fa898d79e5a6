package io.agentd.jepsen.checker;

import java.util.Arrays;

/**
 * The search's memo of (linearized ops, model state) configurations already explored (Lowe's
 * improvement to WGL). Open addressing over parallel arrays, probed with the search's live bitset:
 * a configuration is copied only when it is new, which most probes are not.
 */
final class VisitedSet {
    private long[][] bits = new long[1 << 10][];
    private Object[] states = new Object[1 << 10];
    private long[] hashes = new long[1 << 10];
    private int size;

    /**
     * Records the configuration; false if it was already there.
     *
     * @param hash a hash of {@code linearized} and {@code state} together
     */
    boolean add(long[] linearized, Object state, long hash) {
        int mask = bits.length - 1;
        int slot = spread(hash) & mask;
        while (bits[slot] != null) {
            if (hashes[slot] == hash && Arrays.equals(bits[slot], linearized) && states[slot].equals(state)) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        bits[slot] = linearized.clone();
        states[slot] = state;
        hashes[slot] = hash;
        if (++size * 2 > bits.length) {
            grow();
        }
        return true;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[][] oldBits = bits;
        Object[] oldStates = states;
        long[] oldHashes = hashes;
        bits = new long[oldBits.length * 2][];
        states = new Object[oldBits.length * 2];
        hashes = new long[oldBits.length * 2];
        int mask = bits.length - 1;
        for (int i = 0; i < oldBits.length; i++) {
            if (oldBits[i] != null) {
                int slot = spread(oldHashes[i]) & mask;
                while (bits[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                bits[slot] = oldBits[i];
                states[slot] = oldStates[i];
                hashes[slot] = oldHashes[i];
            }
        }
    }

    private static int spread(long hash) {
        long h = hash * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
