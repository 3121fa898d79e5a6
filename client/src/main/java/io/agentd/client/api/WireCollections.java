package io.agentd.client.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Normalizes collections of wire records: {@code null} becomes empty, the rest an ordered, unmodifiable copy. */
final class WireCollections {

  private WireCollections() {}

  static <T> List<T> list(List<T> values) {
    return values == null ? List.of() : List.copyOf(values);
  }

  /** Keeps the insertion order, so labels and env print in the order they were given. */
  static <V> Map<String, V> map(Map<String, V> values) {
    return values == null || values.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
