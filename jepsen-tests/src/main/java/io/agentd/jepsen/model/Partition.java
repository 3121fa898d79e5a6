package io.agentd.jepsen.model;

import io.agentd.jepsen.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/** One independent sub-history, named for reports (for key-value models: the key). */
public record Partition<I, O>(String name, List<Op<I, O>> ops) {
    public Partition {
        Objects.requireNonNull(name, "name");
        ops = List.copyOf(ops);
    }

    /** Groups ops by key, keeping their order; partitions come sorted by key. */
    public static <I, O> List<Partition<I, O>> byKey(List<Op<I, O>> history, Function<I, String> key) {
        Map<String, List<Op<I, O>>> groups = new TreeMap<>();
        for (Op<I, O> op : history) {
            groups.computeIfAbsent(key.apply(op.input()), k -> new ArrayList<>()).add(op);
        }
        List<Partition<I, O>> partitions = new ArrayList<>(groups.size());
        groups.forEach((name, ops) -> partitions.add(new Partition<>(name, ops)));
        return partitions;
    }
}
