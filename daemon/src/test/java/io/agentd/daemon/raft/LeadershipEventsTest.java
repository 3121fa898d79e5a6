package io.agentd.daemon.raft;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class LeadershipEventsTest {

    @Test
    void listenersHearOnlyChangesInOrderAndALateListenerHearsTheCurrentLeadership() {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (LeadershipEvents events = new LeadershipEvents("t")) {
            events.add(b -> heard.add("first:" + b));
            events.changed(false);
            events.changed(true);
            events.changed(true);
            events.add(b -> heard.add("late:" + b));
            events.add(b -> {
                throw new IllegalStateException("broken listener");
            });
            events.changed(false);
        }
        assertThat(heard).containsExactly("first:true", "late:true", "first:false", "late:false");
    }

    @Test
    void closingWhileLeadingTellsListenersLeadershipIsLost() {
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        LeadershipEvents events = new LeadershipEvents("t");
        events.add(heard::add);
        events.changed(true);
        events.close();
        events.changed(true);
        assertThat(heard).containsExactly(true, false);
    }
}
