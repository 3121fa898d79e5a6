package io.agentd.statemachine;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fills an empty {@link TreeMap} or {@link TreeSet} from arrays already in ascending order, in
 * linear time: their {@code putAll}/{@code addAll} build a balanced tree straight from a
 * {@link SortedMap}/{@link SortedSet} of the same ordering, with no comparison and no
 * rebalancing, where a million {@code put}s cost twenty comparisons each. The contents are the
 * same either way; only the shape of the tree differs, which nothing can observe.
 *
 * <p>The arrays are wrapped in views that support what those builders use (size, iteration in
 * order, a null comparator) and nothing else. The order is checked first: out of order or
 * repeated keys throw, as a builder that trusted them would make a broken tree.
 */
final class SortedArrays {
    private SortedArrays() {
    }

    /** The first i in [1, n) with {@code a[i - 1] >= a[i]} in natural order, or n when strictly ascending. */
    static <T extends Comparable<? super T>> int firstOutOfOrder(T[] a, int n) {
        for (int i = 1; i < n; i++) {
            if (a[i - 1].compareTo(a[i]) >= 0) {
                return i;
            }
        }
        return n;
    }

    /**
     * Puts {@code keys[i] -> values[i]} for i below n into {@code target}, which must be empty and
     * use natural ordering.
     *
     * @throws IllegalArgumentException if the keys are not strictly ascending
     */
    static <K extends Comparable<? super K>, V> void fill(TreeMap<K, V> target, K[] keys, V[] values, int n) {
        requireEmptyNatural(target.isEmpty(), target.comparator());
        requireAscending(keys, n);
        if (n > 0) {
            target.putAll(new MapView<>(keys, values, n));
        }
    }

    /**
     * Adds {@code elements[i]} for i below n to {@code target}, which must be empty and use
     * natural ordering.
     *
     * @throws IllegalArgumentException if the elements are not strictly ascending
     */
    static <E extends Comparable<? super E>> void fill(TreeSet<E> target, E[] elements, int n) {
        requireEmptyNatural(target.isEmpty(), target.comparator());
        requireAscending(elements, n);
        if (n > 0) {
            target.addAll(new SetView<>(elements, n));
        }
    }

    /**
     * Puts {@code keys[i] -> values[i]} for i below n into {@code target} (empty, natural
     * ordering): in linear time when the keys are strictly ascending, else one by one, with the
     * same result.
     */
    static <K extends Comparable<? super K>, V> void putAll(TreeMap<K, V> target, K[] keys, V[] values, int n) {
        if (firstOutOfOrder(keys, n) == n) {
            fill(target, keys, values, n);
        } else {
            for (int i = 0; i < n; i++) {
                target.put(keys[i], values[i]);
            }
        }
    }

    /** {@link #putAll} for a set: adds {@code elements[i]} for i below n to {@code target} (empty, natural ordering). */
    static <E extends Comparable<? super E>> void addAll(TreeSet<E> target, E[] elements, int n) {
        if (firstOutOfOrder(elements, n) == n) {
            fill(target, elements, n);
        } else {
            for (int i = 0; i < n; i++) {
                target.add(elements[i]);
            }
        }
    }

    private static void requireEmptyNatural(boolean empty, Comparator<?> comparator) {
        if (!empty || comparator != null) {
            throw new IllegalArgumentException("the target must be empty and use natural ordering");
        }
    }

    private static <T extends Comparable<? super T>> void requireAscending(T[] a, int n) {
        if (n > a.length) {
            throw new IllegalArgumentException(n + " elements asked of an array of " + a.length);
        }
        int i = firstOutOfOrder(a, n);
        if (i < n) {
            throw new IllegalArgumentException("not strictly ascending at " + i + ": " + a[i - 1] + " then " + a[i]);
        }
    }

    private static final class ArrayIterator<T> implements Iterator<T> {
        private final int n;
        private final java.util.function.IntFunction<T> at;
        private int next;

        ArrayIterator(int n, java.util.function.IntFunction<T> at) {
            this.n = n;
            this.at = at;
        }

        @Override
        public boolean hasNext() {
            return next < n;
        }

        @Override
        public T next() {
            if (next >= n) {
                throw new NoSuchElementException();
            }
            return at.apply(next++);
        }
    }

    /** Read-only, and only what TreeMap.putAll of a SortedMap uses. */
    private static final class MapView<K, V> extends AbstractMap<K, V> implements SortedMap<K, V> {
        private final K[] keys;
        private final V[] values;
        private final int n;

        MapView(K[] keys, V[] values, int n) {
            this.keys = keys;
            this.values = values;
            this.n = n;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Comparator<? super K> comparator() {
            return null;
        }

        @Override
        public Set<Map.Entry<K, V>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<K, V>> iterator() {
                    return new ArrayIterator<>(n, i -> new SimpleImmutableEntry<>(keys[i], values[i]));
                }

                @Override
                public int size() {
                    return n;
                }
            };
        }

        @Override
        public K firstKey() {
            return keys[0];
        }

        @Override
        public K lastKey() {
            return keys[n - 1];
        }

        @Override
        public SortedMap<K, V> subMap(K fromKey, K toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<K, V> headMap(K toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<K, V> tailMap(K fromKey) {
            throw new UnsupportedOperationException();
        }
    }

    /** Read-only, and only what TreeSet.addAll of a SortedSet uses. */
    private static final class SetView<E> extends AbstractSet<E> implements SortedSet<E> {
        private final E[] elements;
        private final int n;

        SetView(E[] elements, int n) {
            this.elements = elements;
            this.n = n;
        }

        @Override
        public Iterator<E> iterator() {
            return new ArrayIterator<>(n, i -> elements[i]);
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Comparator<? super E> comparator() {
            return null;
        }

        @Override
        public E first() {
            return elements[0];
        }

        @Override
        public E last() {
            return elements[n - 1];
        }

        @Override
        public SortedSet<E> subSet(E fromElement, E toElement) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedSet<E> headSet(E toElement) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedSet<E> tailSet(E fromElement) {
            throw new UnsupportedOperationException();
        }
    }
}
