package io.agentd.statemachine;

import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.MemoryStore;
import io.agentd.statemachine.store.Table;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DedupTableTest {
    private final ChangeSet changes = new ChangeSet();

    private static byte[] reply(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anIdIsKeptForItsTimeToLiveInLogTimeAndNoLonger() {
        DedupTable dedup = new DedupTable(100, 10);
        dedup.put("r1", 1_000, reply("one"), changes);
        dedup.put("r2", 1_050, reply("two"), changes);

        dedup.expire(1_100, changes);
        assertThat(dedup.reply("r1")).as("exactly a TTL old").isEqualTo(reply("one"));
        dedup.expire(1_101, changes);
        assertThat(dedup.reply("r1")).isNull();
        assertThat(dedup.reply("r2")).isEqualTo(reply("two"));
        assertThat(TestAgents.described(changes)).containsExactly("dedup put r1", "dedup put r2", "dedup delete r1");
    }

    @Test
    void beyondTheCountTheOldestGoFirstAndARepeatedIdCountsFromItsLastReply() {
        DedupTable dedup = new DedupTable(1_000_000, 2);
        dedup.put("r1", 10, reply("a"), changes);
        dedup.put("r2", 20, reply("b"), changes);
        dedup.put("r1", 30, reply("c"), changes);
        dedup.put("r3", 40, reply("d"), changes);
        dedup.expire(40, changes);

        assertThat(dedup.reply("r2")).isNull();
        assertThat(dedup.reply("r1")).isEqualTo(reply("c"));
        assertThat(dedup.reply("r3")).isEqualTo(reply("d"));
    }

    @Test
    void theStoredValueIsTheLogTimeThenTheReplyAndLoadsBack() {
        DedupTable dedup = new DedupTable();
        dedup.put("r1", 0x0102, reply("ok"), changes);
        dedup.put("r0", 0x0101, reply("no"), changes);
        MemoryStore store = new MemoryStore();
        store.commit(changes, new AppliedIndex(1, 1));
        assertThat(store.get(Table.DEDUP, reply("r1"))).containsExactly(0, 0, 0, 0, 0, 0, 1, 2, 'o', 'k');

        DedupTable loaded = new DedupTable();
        loaded.load(store);
        assertThat(dump(loaded)).isEqualTo(dump(dedup));
    }

    private static String dump(DedupTable d) {
        StringBuilder sb = new StringBuilder();
        d.fingerprint(sb);
        d.fingerprintOrder(sb);
        return sb.toString();
    }
}
