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
            events.add(l -> heard.add("first:" + l.term()));
            events.changed(Leadership.NONE);
            events.changed(Leadership.leading(3));
            events.changed(Leadership.leading(3));
            events.add(l -> heard.add("late:" + l.term()));
            events.add(l -> {
                throw new IllegalStateException("broken listener");
            });
            events.changed(Leadership.NONE);
        }
        assertThat(heard).containsExactly("first:3", "late:3", "first:0", "late:0");
    }

    @Test
    void leadingAgainInALaterTermIsAChangeEvenWithoutALossInBetween() {
        List<Leadership> heard = new CopyOnWriteArrayList<>();
        try (LeadershipEvents events = new LeadershipEvents("t")) {
            events.add(heard::add);
            events.changed(Leadership.leading(3));
            events.changed(Leadership.leading(5));
        }
        assertThat(heard).containsExactly(Leadership.leading(3), Leadership.leading(5), Leadership.NONE);
    }

    @Test
    void closingWhileLeadingTellsListenersLeadershipIsLost() {
        List<Leadership> heard = new CopyOnWriteArrayList<>();
        LeadershipEvents events = new LeadershipEvents("t");
        events.add(heard::add);
        events.changed(Leadership.leading(2));
        events.close();
        events.changed(Leadership.leading(2));
        assertThat(heard).containsExactly(Leadership.leading(2), Leadership.NONE);
    }
}
