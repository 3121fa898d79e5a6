package io.agentd.storage;

import io.agentd.statemachine.store.DurableStore;
import io.agentd.statemachine.store.Table;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Readable snapshots of a store's tables for assertions. */
final class Contents {
    private static final HexFormat HEX = HexFormat.of();

    private Contents() {}

    /** Every table as "key=value" hex strings, in scan order. */
    static Map<Table, List<String>> of(DurableStore store) {
        Map<Table, List<String>> tables = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            tables.put(table, entries(store, table));
        }
        return tables;
    }

    static List<String> entries(DurableStore store, Table table) {
        List<String> entries = new ArrayList<>();
        store.scan(table, (k, v) -> entries.add(entry(k, v)));
        return entries;
    }

    static String entry(byte[] key, byte[] value) {
        return HEX.formatHex(key) + "=" + HEX.formatHex(value);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
