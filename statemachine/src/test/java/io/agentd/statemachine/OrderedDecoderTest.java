package io.agentd.statemachine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderedDecoderTest {
    private static final Function<byte[], Integer> FIRST_BYTE = b -> (int) b[0];

    @Property(tries = 100)
    void resultsComeInTheOrderTheValuesCame(@ForAll @IntRange(min = 0, max = 700) int count,
                                            @ForAll @IntRange(min = 0, max = 4) int threads,
                                            @ForAll @IntRange(min = 1, max = 50) int chunk,
                                            @ForAll @IntRange(min = 1, max = 3) int inFlight) {
        List<Integer> expected = new ArrayList<>();
        try (OrderedDecoder<Integer> d = new OrderedDecoder<>(FIRST_BYTE, threads, chunk, inFlight)) {
            for (int i = 0; i < count; i++) {
                d.add(new byte[] {(byte) i});
                expected.add((int) (byte) i);
            }
            assertThat(d.finish()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void withoutThreadsEachValueIsDecodedWhenAdded() {
        List<String> seen = new ArrayList<>();
        try (OrderedDecoder<Integer> d = new OrderedDecoder<>(b -> {
            seen.add(Thread.currentThread().getName());
            return 1;
        }, 0, 10, 1)) {
            d.add(new byte[] {1});
            assertThat(seen).containsExactly(Thread.currentThread().getName());
        }
    }

    @Test
    void aDecodeFailureIsRethrownAsItWasThrown() {
        try (OrderedDecoder<Integer> d = new OrderedDecoder<>(b -> {
            if (b[0] == 42) {
                throw new IllegalStateException("bad value 42");
            }
            return (int) b[0];
        }, 2, 8, 2)) {
            for (int i = 0; i < 100; i++) {
                d.add(new byte[] {(byte) i});
            }
            assertThatThrownBy(d::finish).isInstanceOf(IllegalStateException.class).hasMessage("bad value 42");
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new OrderedDecoder<>(FIRST_BYTE, -1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderedDecoder<>(FIRST_BYTE, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderedDecoder<>(FIRST_BYTE, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
