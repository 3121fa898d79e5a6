package io.agentd.statemachine;

import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.model.Token;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.TreeMap;

/** API tokens by id, and by the hash of their secret (what a request is authenticated by). */
final class TokenTable {
    private final TreeMap<String, Token> byId = new TreeMap<>();
    /** Hash -> token; read by hash only, never iterated. */
    private final HashMap<String, Token> byHash = new HashMap<>();

    Token get(String id) {
        return byId.get(id);
    }

    Token byHash(String hash) {
        return byHash.get(hash);
    }

    /** Every token, in id order. */
    Collection<Token> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    void put(Token t, ChangeSet changes) {
        restore(t);
        changes.put(Table.ENTITIES, Keys.token(t.id()), EntityCodec.token(t));
    }

    /** Takes a token as the store holds it (a load). */
    void restore(Token t) {
        Token old = byId.put(t.id(), t);
        if (old != null && !old.hash().equals(t.hash())) {
            byHash.remove(old.hash());
        }
        byHash.put(t.hash(), t);
    }

    void fingerprint(StringBuilder sb) {
        byId.values().forEach(t -> sb.append(t).append('\n'));
        if (byHash.size() != byId.size()) {
            sb.append("token hash index differs: ").append(byHash.size()).append('\n');
        }
    }
}
