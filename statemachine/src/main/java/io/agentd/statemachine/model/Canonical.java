package io.agentd.statemachine.model;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance of equal immutable values (namespace names, worker ids, pending reasons)
 * across the agents of the registry, so a million agents do not hold a million copies of
 * "default" or of "no ready worker". (Specs are shared by their decoder, EntityCodec.)
 *
 * <p>Purely a memory saving: the instance returned is equal to the one given, so state, replies
 * and encodings are the same with or without it, on every replica (apply stays deterministic).
 * Bounded: when it holds {@link #MAX} values it starts over, so distinct values never pile up.
 * Thread-safe (apply, load and reply decoding run on different threads).
 */
final class Canonical {
    static final int MAX = 8192;
    private static final ConcurrentHashMap<Object, Object> VALUES = new ConcurrentHashMap<>();

    private Canonical() {
    }

    /** An instance equal to {@code value} (null for null), shared when an equal one was seen. */
    @SuppressWarnings("unchecked")
    static <T> T of(T value) {
        if (value == null) {
            return null;
        }
        Object shared = VALUES.putIfAbsent(value, value);
        if (shared != null) {
            return (T) shared;
        }
        if (VALUES.mappingCount() > MAX) {
            VALUES.clear();
        }
        return value;
    }
}
