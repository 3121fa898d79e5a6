package io.agentd.statemachine;

import io.agentd.statemachine.codec.WireReader;
import io.agentd.statemachine.codec.WireWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A string on the wire is its UTF-8 length as a varint, then its UTF-8 bytes, whatever its length. */
class WireStringTest {
    private static final String[] PIECES = {"a", "Z", "0", "-", " ", "é", "漢", "\uD83D\uDE00", "\u0000", "\u007f", "\u0080"};

    @Test
    void shortAndLongStringsAreTheirUtf8BytesAfterTheirLength() {
        Random r = new Random(11);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(4) == 0 ? r.nextInt(300) : r.nextInt(40);
            boolean ascii = r.nextBoolean();
            for (int k = 0; k < len; k++) {
                sb.append(ascii ? String.valueOf((char) ('a' + r.nextInt(26))) : PIECES[r.nextInt(PIECES.length)]);
            }
            String s = sb.toString();
            byte[] written = new WireWriter().string(s).toByteArray();
            assertThat(written).as("%s", s).isEqualTo(expected(s));
            assertThat(new WireReader(written).string()).isEqualTo(s);
        }
    }

    private static byte[] expected(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long v = utf8.length;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        out.writeBytes(utf8);
        return out.toByteArray();
    }
}
