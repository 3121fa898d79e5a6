package io.agentd.statemachine.codec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncodingCacheTest {

    /** Whatever was put and evicted, a look-up answers nothing or the value of exactly those bytes. */
    @Property(tries = 200)
    void aLookUpNeverAnswersTheValueOfOtherBytes(@ForAll @Size(max = 200) List<@Size(max = 6) List<@IntRange(max = 3) Integer>> puts,
                                                 @ForAll @IntRange(min = 0, max = 7) int offset) {
        EncodingCache<String> cache = new EncodingCache<>(8); // small: slots are shared and replaced
        for (List<Integer> bytes : puts) {
            byte[] buf = embedded(bytes, offset);
            int hash = EncodingCache.hash(buf, offset, offset + bytes.size());
            String known = cache.get(buf, offset, offset + bytes.size(), hash);
            if (known != null) {
                assertThat(known).isEqualTo(bytes.toString());
            } else {
                cache.put(buf, offset, offset + bytes.size(), hash, bytes.toString());
                assertThat(cache.get(buf, offset, offset + bytes.size(), hash)).isEqualTo(bytes.toString());
            }
        }
    }

    @Test
    void theSameBytesAtAnotherOffsetFindTheValue() {
        EncodingCache<String> cache = new EncodingCache<>(16);
        byte[] a = {9, 1, 2, 3};
        byte[] b = {1, 2, 3, 9, 9};
        cache.put(a, 1, 4, EncodingCache.hash(a, 1, 4), "123");
        assertThat(cache.get(b, 0, 3, EncodingCache.hash(b, 0, 3))).isEqualTo("123");
        assertThat(cache.get(b, 0, 2, EncodingCache.hash(b, 0, 2))).isNull();
        a[2] = 7; // the cache copied the bytes it keeps
        assertThat(cache.get(b, 0, 3, EncodingCache.hash(b, 0, 3))).isEqualTo("123");
    }

    @Test
    void theCapacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new EncodingCache<>(12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EncodingCache<>(2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] embedded(List<Integer> bytes, int offset) {
        byte[] buf = new byte[offset + bytes.size() + 3];
        Arrays.fill(buf, (byte) 5);
        for (int i = 0; i < bytes.size(); i++) {
            buf[offset + i] = bytes.get(i).byteValue();
        }
        return buf;
    }
}
