package io.agentd.statemachine.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Writes the compact binary form shared by log entries, replies and stored entities:
 * unsigned LEB128 varints, zig-zag signed varints, length-prefixed UTF-8 strings.
 * Nothing Java-specific (class names, serialization) ever reaches the bytes.
 */
public final class WireWriter {
    /** Strings longer than this are encoded by the JDK, shorter ones char by char without a copy. */
    private static final int LONG_STRING = 32;
    private byte[] buf;
    private int len;

    public WireWriter() {
        this(64);
    }

    public WireWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public WireWriter u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public WireWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    /** Unsigned varint; v must be non-negative. */
    public WireWriter uvarint(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative uvarint " + v);
        }
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    /** Signed varint (zig-zag). */
    public WireWriter svarint(long v) {
        ensure(10);
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            buf[len++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        buf[len++] = (byte) z;
        return this;
    }

    /** Fixed 8-byte big-endian. */
    public WireWriter i64(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public WireWriter bytes(byte[] b) {
        uvarint(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    public WireWriter raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    public WireWriter string(String s) {
        int n = s.length();
        if (n > LONG_STRING) {
            // The JDK's encoder (vectorized for Latin-1 text) and one array copy beat the loop below.
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return bytes(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        // ASCII (almost every string here): its UTF-8 bytes are its chars, written without a copy.
        uvarint(n);
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** A string that may be null: a presence byte, then the string. */
    public WireWriter optString(String s) {
        if (s == null) {
            return u8(0);
        }
        u8(1);
        return string(s);
    }

    /** A nullable long: a presence byte, then a signed varint. */
    public WireWriter optLong(Long v) {
        if (v == null) {
            return u8(0);
        }
        u8(1);
        return svarint(v);
    }

    public WireWriter strings(List<String> list) {
        uvarint(list.size());
        for (String s : list) {
            string(s);
        }
        return this;
    }

    /** A map in its sorted key order, so equal maps give equal bytes. */
    public WireWriter stringMap(SortedMap<String, String> map) {
        uvarint(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            string(e.getKey());
            string(e.getValue());
        }
        return this;
    }

    public int length() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
