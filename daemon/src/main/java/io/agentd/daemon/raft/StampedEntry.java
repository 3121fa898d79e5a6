package io.agentd.daemon.raft;

import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The log data of every state-machine entry: the leader's wall clock as 8 bytes big-endian
 * (milliseconds since the epoch), then the client's payload unchanged. This layout is part of the
 * on-disk log format; changing it needs a new reader for old entries (see StampedEntryTest).
 *
 * @param leaderTimeMillis the leader's clock when it started the transaction
 * @param payload          the bytes the client submitted
 */
record StampedEntry(long leaderTimeMillis, byte[] payload) {
    static final int HEADER_BYTES = Long.BYTES;

    /** A buffer holding header and payload; the stamp can still be changed with {@link #restamp}. */
    static byte[] encode(long leaderTimeMillis, ByteString payload) {
        byte[] data = new byte[HEADER_BYTES + payload.size()];
        ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).putLong(0, leaderTimeMillis);
        payload.copyTo(data, HEADER_BYTES);
        return data;
    }

    static long stampOf(byte[] data) {
        return ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).getLong(0);
    }

    static void restamp(byte[] data, long leaderTimeMillis) {
        ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).putLong(0, leaderTimeMillis);
    }

    /** Splits log data; throws IllegalStateException on data too short to be an entry of ours. */
    static StampedEntry decode(ByteString data) {
        if (data.size() < HEADER_BYTES) {
            throw new IllegalStateException("log entry data is " + data.size()
                    + " bytes, shorter than the " + HEADER_BYTES + "-byte leader time stamp");
        }
        long time = data.substring(0, HEADER_BYTES).asReadOnlyByteBuffer().order(ByteOrder.BIG_ENDIAN).getLong();
        return new StampedEntry(time, data.substring(HEADER_BYTES).toByteArray());
    }
}
