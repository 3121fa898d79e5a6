package io.agentd.statemachine.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads what {@link WireWriter} wrote. Every read is bounds-checked and malformed input
 * raises {@link MalformedException}, never an index error or a huge allocation.
 */
public final class WireReader {
    private static final int MAX_COLLECTION = 1 << 20;

    private final byte[] buf;
    private int pos;
    private final int end;

    public WireReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public WireReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public static final class MalformedException extends RuntimeException {
        public MalformedException(String message) {
            super(message);
        }
    }

    /** Where the next read starts. */
    public int position() {
        return pos;
    }

    /** Goes back to {@code to}, a {@link #position()} of this reader, to read again from there. */
    void rewind(int to) {
        if (to < 0 || to > pos) {
            throw new IllegalArgumentException("cannot rewind to " + to + " from " + pos);
        }
        pos = to;
    }

    /** The array this reader reads; positions index into it. For look-ups by encoding: never written. */
    byte[] array() {
        return buf;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new MalformedException("truncated input at byte " + pos);
        }
    }

    public int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public boolean bool() {
        int v = u8();
        if (v > 1) {
            throw new MalformedException("bad boolean " + v);
        }
        return v == 1;
    }

    public long uvarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (result < 0) {
                    throw new MalformedException("uvarint overflow");
                }
                return result;
            }
        }
        throw new MalformedException("uvarint too long");
    }

    public long svarint() {
        long z = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            z |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new MalformedException("svarint too long");
    }

    public int uvarintInt() {
        long v = uvarint();
        if (v > Integer.MAX_VALUE) {
            throw new MalformedException("value too large: " + v);
        }
        return (int) v;
    }

    public long i64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    public byte[] bytes() {
        int n = uvarintInt();
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public String string() {
        int n = uvarintInt();
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public String optString() {
        return bool() ? string() : null;
    }

    /** Moves past a {@link #string()} without decoding it. */
    public void skipString() {
        int n = uvarintInt();
        need(n);
        pos += n;
    }

    /** Moves past an {@link #optString()} without decoding it. */
    public void skipOptString() {
        if (bool()) {
            skipString();
        }
    }

    /** Moves past a {@link #strings()} list without decoding it. */
    public void skipStrings() {
        int n = count();
        for (int i = 0; i < n; i++) {
            skipString();
        }
    }

    /** Moves past a {@link #stringMap()} without decoding it. */
    public void skipStringMap() {
        int n = count();
        for (int i = 0; i < 2 * n; i++) {
            skipString();
        }
    }

    public Long optLong() {
        return bool() ? svarint() : null;
    }

    private int count() {
        int n = uvarintInt();
        if (n > MAX_COLLECTION || n > end - pos) {
            throw new MalformedException("collection size " + n + " exceeds the input");
        }
        return n;
    }

    public List<String> strings() {
        int n = count();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(string());
        }
        return Collections.unmodifiableList(out);
    }

    public SortedMap<String, String> stringMap() {
        int n = count();
        TreeMap<String, String> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            out.put(string(), string());
        }
        return Collections.unmodifiableSortedMap(out);
    }

    public int collectionSize() {
        return count();
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public void expectEnd() {
        if (pos != end) {
            throw new MalformedException((end - pos) + " trailing bytes");
        }
    }
}
