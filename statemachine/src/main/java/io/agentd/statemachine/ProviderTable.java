package io.agentd.statemachine;

import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.model.Provider;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;

import java.util.Collection;
import java.util.Collections;
import java.util.TreeMap;

/** The LLM providers whose limits the fleet shares, by name. */
final class ProviderTable {
    private final TreeMap<String, Provider> byName = new TreeMap<>();

    Provider get(String name) {
        return byName.get(name);
    }

    /** Every provider, in name order. */
    Collection<Provider> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    void put(Provider p, ChangeSet changes) {
        byName.put(p.name(), p);
        changes.put(Table.ENTITIES, Keys.provider(p.name()), EntityCodec.encode(p));
    }

    void remove(String name, ChangeSet changes) {
        if (byName.remove(name) != null) {
            changes.delete(Table.ENTITIES, Keys.provider(name));
        }
    }

    /** Takes a provider as the store holds it (a load). */
    void restore(Provider p) {
        byName.put(p.name(), p);
    }

    void fingerprint(StringBuilder sb) {
        byName.values().forEach(p -> sb.append(p).append('\n'));
    }
}
