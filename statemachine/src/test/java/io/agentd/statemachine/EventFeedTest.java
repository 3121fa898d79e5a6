package io.agentd.statemachine;

import io.agentd.statemachine.model.Event;
import io.agentd.statemachine.model.EventType;
import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.MemoryStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventFeedTest {
    private final ChangeSet changes = new ChangeSet();

    private static Event event(long revision, int seq) {
        return new Event(revision, seq, 1_000 + revision, EventType.AGENT_SPAWNED, "default", "a" + revision, null, null);
    }

    @Test
    void eventsAfterARevisionIncludeEverySeqOfTheNextOnesInOrder() {
        EventFeed feed = new EventFeed(10);
        feed.append(event(1, 0), changes);
        feed.append(event(2, 0), changes);
        feed.append(event(2, 1), changes);
        feed.append(event(3, 0), changes);

        assertThat(feed.after(1, 10)).containsExactly(event(2, 0), event(2, 1), event(3, 0));
        assertThat(feed.after(1, 2)).containsExactly(event(2, 0), event(2, 1));
        assertThat(feed.after(3, 10)).isEmpty();
        assertThat(feed.oldestRevision()).isEqualTo(1);
        assertThat(feed.prunedThrough()).isZero();

        assertThat(feed.last(2)).as("the newest two, oldest first").containsExactly(event(2, 1), event(3, 0));
        assertThat(feed.last(10)).containsExactly(event(1, 0), event(2, 0), event(2, 1), event(3, 0));
        assertThat(new EventFeed(3).last(5)).isEmpty();
    }

    @Test
    void beyondTheRetentionTheOldestGoAndTheirRevisionIsMarked() {
        EventFeed feed = new EventFeed(3);
        for (int r = 1; r <= 5; r++) {
            feed.append(event(r, 0), changes);
        }
        assertThat(feed.after(0, 10)).extracting(Event::revision).containsExactly(3L, 4L, 5L);
        assertThat(feed.prunedThrough()).isEqualTo(2);
        assertThat(feed.oldestRevision()).isEqualTo(3);
        assertThat(TestAgents.described(changes).stream().filter(m -> m.contains("delete")).count()).isEqualTo(2);
    }

    @Test
    void aLoadedFullFeedTakesEverythingBeforeItsOldestEventAsGone() {
        EventFeed written = new EventFeed(3);
        for (int r = 1; r <= 5; r++) {
            written.append(event(r, 0), changes);
        }
        MemoryStore store = new MemoryStore();
        store.commit(changes, new AppliedIndex(1, 1));

        EventFeed loaded = new EventFeed(3);
        loaded.load(store);
        assertThat(loaded.after(0, 10)).isEqualTo(written.after(0, 10));
        assertThat(loaded.prunedThrough()).isEqualTo(2);

        EventFeed roomy = new EventFeed(4);
        roomy.load(store);
        assertThat(roomy.prunedThrough()).as("not full: nothing known to be gone").isZero();
    }
}
