package io.agentd.statemachine;

import io.agentd.statemachine.model.AgentKey;

import java.nio.charset.StandardCharsets;

/** Key layout of the tables; part of the on-disk format. */
final class Keys {
    static final byte NAMESPACE = 'N';
    static final byte AGENT = 'A';
    static final byte WORKER = 'W';
    static final byte TOKEN = 'T';
    static final byte PROVIDER = 'P';
    static final byte[] STATE = "sm.state".getBytes(StandardCharsets.US_ASCII);
    /** The cluster's feature level; absent means {@link FeatureLevel#INITIAL} (as builds before levels wrote). */
    static final byte[] LEVEL = "sm.level".getBytes(StandardCharsets.US_ASCII);

    private Keys() {
    }

    static byte[] namespace(String name) {
        return prefixed(NAMESPACE, name);
    }

    static byte[] worker(String id) {
        return prefixed(WORKER, id);
    }

    static byte[] token(String id) {
        return prefixed(TOKEN, id);
    }

    static byte[] provider(String name) {
        return prefixed(PROVIDER, name);
    }

    static byte[] agent(AgentKey k) {
        byte[] ns = k.namespace().getBytes(StandardCharsets.UTF_8);
        byte[] name = k.name().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[2 + ns.length + name.length];
        out[0] = AGENT;
        System.arraycopy(ns, 0, out, 1, ns.length);
        out[1 + ns.length] = 0;
        System.arraycopy(name, 0, out, 2 + ns.length, name.length);
        return out;
    }

    static byte[] event(long revision, int seq) {
        byte[] out = new byte[12];
        putLong(out, 0, revision);
        out[8] = (byte) (seq >>> 24);
        out[9] = (byte) (seq >>> 16);
        out[10] = (byte) (seq >>> 8);
        out[11] = (byte) seq;
        return out;
    }

    static byte[] revision(long revision) {
        byte[] out = new byte[8];
        putLong(out, 0, revision);
        return out;
    }

    static byte[] requestId(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] prefixed(byte prefix, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        out[0] = prefix;
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    private static void putLong(byte[] out, int off, long v) {
        for (int i = 0; i < 8; i++) {
            out[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
