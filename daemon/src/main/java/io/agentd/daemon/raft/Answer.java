package io.agentd.daemon.raft;

import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

import java.util.Objects;
import java.util.function.Function;

/**
 * What an applied entry answers the one who submitted it. Ratis hands it back as a message: to a
 * write this node submitted to its own server, as the same object; across the network (a
 * follower's write, answered by the leader), as its bytes. So the bytes are made only when Ratis
 * asks for them, and a write submitted here gets the value itself, not encoded and decoded again.
 *
 * <p>Thread-safe: the value must be immutable; the bytes are made at most once.
 */
public final class Answer implements Message {
    private final Object value;
    private final Function<Object, byte[]> encoder;
    private volatile ByteString content;

    private Answer(Object value, Function<Object, byte[]> encoder, ByteString content) {
        this.value = value;
        this.encoder = encoder;
        this.content = content;
    }

    /** An answer whose bytes are {@code encoder.apply(value)}, made when first needed. */
    public static <T> Answer of(T value, Function<? super T, byte[]> encoder) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(encoder, "encoder");
        @SuppressWarnings("unchecked")
        Function<Object, byte[]> e = (Function<Object, byte[]>) encoder;
        return new Answer(value, e, null);
    }

    /** An answer that is only bytes (it came over the network, or there is nothing to decode). */
    public static Answer ofBytes(byte[] bytes) {
        return new Answer(null, null, UnsafeByteOperations.unsafeWrap(bytes));
    }

    /**
     * The value: the one given to {@link #of} when this answer was made in this process, else
     * {@code decoder} applied to the bytes. {@code decoder} must be the inverse of the encoder
     * the value was made with.
     */
    @SuppressWarnings("unchecked")
    public <T> T value(Function<byte[], T> decoder) {
        return value != null ? (T) value : decoder.apply(bytes());
    }

    public byte[] bytes() {
        return getContent().toByteArray();
    }

    @Override
    public ByteString getContent() {
        ByteString c = content;
        if (c == null) {
            synchronized (this) {
                c = content;
                if (c == null) {
                    c = UnsafeByteOperations.unsafeWrap(encoder.apply(value));
                    content = c;
                }
            }
        }
        return c;
    }

    @Override
    public String toString() {
        return value != null ? "Answer(" + value.getClass().getSimpleName() + ")" : "Answer(" + content.size() + " bytes)";
    }
}
