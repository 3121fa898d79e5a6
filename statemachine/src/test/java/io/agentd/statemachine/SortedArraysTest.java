package io.agentd.statemachine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SortedArraysTest {

    @Property(tries = 300)
    void aFilledMapEqualsOneBuiltByPuts(@ForAll @Size(max = 300) java.util.Set<@net.jqwik.api.constraints.IntRange(max = 100_000) Integer> set) {
        TreeSet<Integer> distinct = new TreeSet<>(set);
        Integer[] keys = distinct.toArray(new Integer[0]);
        String[] values = distinct.stream().map(k -> "v" + k).toArray(String[]::new);
        TreeMap<Integer, String> filled = new TreeMap<>();
        SortedArrays.fill(filled, keys, values, keys.length);
        TreeMap<Integer, String> put = new TreeMap<>();
        for (int i = 0; i < keys.length; i++) {
            put.put(keys[i], values[i]);
        }
        assertThat(filled).isEqualTo(put);
        assertThat(filled.keySet()).containsExactlyElementsOf(put.keySet());
        // Still a working tree: lookups, removals and inserts between the keys.
        for (Integer k : keys) {
            assertThat(filled.get(k)).isEqualTo("v" + k);
        }
        if (keys.length > 0) {
            filled.remove(keys[keys.length / 2]);
            filled.put(-1, "below");
            assertThat(filled.firstKey()).isEqualTo(-1);
            assertThat(filled).hasSize(keys.length);
        }
    }

    @Property(tries = 100)
    void aFilledSetEqualsOneBuiltByAdds(@ForAll @Size(max = 300) java.util.Set<String> set) {
        TreeSet<String> distinct = new TreeSet<>(set);
        String[] elements = distinct.toArray(new String[0]);
        TreeSet<String> filled = new TreeSet<>();
        SortedArrays.fill(filled, elements, elements.length);
        assertThat(filled).containsExactlyElementsOf(distinct);
        for (String e : elements) {
            assertThat(filled.contains(e)).isTrue();
        }
    }

    @Test
    void onlyAPrefixOfTheArraysIsTaken() {
        TreeMap<Integer, String> m = new TreeMap<>();
        SortedArrays.fill(m, new Integer[] {1, 2, 3, null}, new String[] {"a", "b", "c", null}, 3);
        assertThat(m).containsExactly(java.util.Map.entry(1, "a"), java.util.Map.entry(2, "b"), java.util.Map.entry(3, "c"));
    }

    @Test
    void keysOutOfOrderOrRepeatedAreRefused() {
        assertThatThrownBy(() -> SortedArrays.fill(new TreeMap<>(), new Integer[] {1, 3, 2}, new String[3], 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 then 2");
        assertThatThrownBy(() -> SortedArrays.fill(new TreeSet<>(), new Integer[] {1, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SortedArrays.firstOutOfOrder(new Integer[] {1, 2, 2}, 3)).isEqualTo(2);
        assertThat(SortedArrays.firstOutOfOrder(new Integer[] {1, 2, 3}, 3)).isEqualTo(3);
    }

    @Test
    void putAllAndAddAllTakeKeysInAnyOrderAndKeepTheLastValueOfARepeatedKey() {
        TreeMap<Integer, String> m = new TreeMap<>();
        SortedArrays.putAll(m, new Integer[] {3, 1, 2, 1}, new String[] {"c", "a", "b", "A"}, 4);
        assertThat(m).containsExactly(java.util.Map.entry(1, "A"), java.util.Map.entry(2, "b"), java.util.Map.entry(3, "c"));
        TreeMap<Integer, String> sorted = new TreeMap<>();
        SortedArrays.putAll(sorted, new Integer[] {1, 2, 3}, new String[] {"a", "b", "c"}, 3);
        assertThat(sorted).containsExactly(java.util.Map.entry(1, "a"), java.util.Map.entry(2, "b"), java.util.Map.entry(3, "c"));
        TreeSet<Integer> set = new TreeSet<>();
        SortedArrays.addAll(set, new Integer[] {2, 2, 1}, 3);
        assertThat(set).containsExactly(1, 2);
    }

    @Test
    void theTargetMustBeEmptyAndNaturallyOrdered() {
        TreeMap<Integer, String> full = new TreeMap<>(java.util.Map.of(0, "x"));
        assertThatThrownBy(() -> SortedArrays.fill(full, new Integer[] {1}, new String[] {"a"}, 1))
                .isInstanceOf(IllegalArgumentException.class);
        TreeSet<Integer> reversed = new TreeSet<>(java.util.Comparator.reverseOrder());
        assertThatThrownBy(() -> SortedArrays.fill(reversed, new Integer[] {1}, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(full.get(0))).containsExactly("x");
    }
}
