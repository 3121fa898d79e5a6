package io.agentd.statemachine.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over everything a store holds: every table in {@link Table} order, each key and value
 * with its length. Two replicas that applied the same log hold the same bytes, so their digests
 * at one applied index are equal; a replica that applied an entry differently has another.
 */
public final class StoreDigest {
    private StoreDigest() {
    }

    public static String sha256(DurableStore.Frozen store) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Table[] last = {null};
        store.scanAll((table, key, value) -> {
            if (table != last[0]) {
                md.update(table.cfName().getBytes(StandardCharsets.US_ASCII));
                md.update((byte) 0);
                last[0] = table;
            }
            length(md, key.length);
            md.update(key);
            length(md, value.length);
            md.update(value);
        });
        return HexFormat.of().formatHex(md.digest());
    }

    private static void length(MessageDigest md, int n) {
        md.update((byte) (n >>> 24));
        md.update((byte) (n >>> 16));
        md.update((byte) (n >>> 8));
        md.update((byte) n);
    }
}
