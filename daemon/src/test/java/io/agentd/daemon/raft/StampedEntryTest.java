package io.agentd.daemon.raft;

import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StampedEntryTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Golden bytes: entries already in logs must keep decoding the same way. */
    @Test
    void theLogDataIsTheLeaderTimeAsEightBigEndianBytesThenThePayload() {
        byte[] data = StampedEntry.encode(1_700_000_000_123L, ByteString.copyFromUtf8("hi"));
        assertThat(HEX.formatHex(data)).isEqualTo("0000018bcfe5687b" + "6869");

        StampedEntry decoded = StampedEntry.decode(ByteString.copyFrom(HEX.parseHex("0000018bcfe5687b6869")));
        assertThat(decoded.leaderTimeMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(new String(decoded.payload(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void anEmptyPayloadIsJustTheStamp() {
        StampedEntry decoded = StampedEntry.decode(ByteString.copyFrom(StampedEntry.encode(5, ByteString.EMPTY)));
        assertThat(decoded.leaderTimeMillis()).isEqualTo(5);
        assertThat(decoded.payload()).isEmpty();
    }

    @Test
    void restampRewritesOnlyTheHeader() {
        byte[] data = StampedEntry.encode(10, ByteString.copyFromUtf8("payload"));
        StampedEntry.restamp(data, 42);
        assertThat(StampedEntry.stampOf(data)).isEqualTo(42);
        assertThat(StampedEntry.decode(ByteString.copyFrom(data)).payload())
                .isEqualTo("payload".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dataShorterThanTheStampIsRejected() {
        assertThatThrownBy(() -> StampedEntry.decode(ByteString.copyFrom(new byte[7])))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("7 bytes");
    }
}
