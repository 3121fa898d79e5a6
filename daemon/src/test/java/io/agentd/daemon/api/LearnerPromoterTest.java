package io.agentd.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.daemon.raft.Member;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule: a learner gets its vote only once it answers with an applied index near the commit index. */
class LearnerPromoterTest {
    private static final List<Member> WITH_LEARNER = List.of(
            new Member("n1", "h:1", Member.Role.LEADER, true, null),
            new Member("n2", "h:2", Member.Role.FOLLOWER, true, null),
            new Member("n4", "h:4", Member.Role.LISTENER, false, null));

    private final List<String> promoted = new ArrayList<>();

    private LearnerPromoter promoter(boolean leading, List<Member> members, long commit, CompletableFuture<JsonNode> view) {
        return new LearnerPromoter(() -> leading, () -> members, () -> commit, id -> view, id -> {
            promoted.add(id);
            return CompletableFuture.completedFuture(null);
        });
    }

    private static CompletableFuture<JsonNode> applied(long index) {
        return CompletableFuture.completedFuture(Json.MAPPER.createObjectNode().put("appliedIndex", index));
    }

    @Test
    void aLearnerBehindByMoreThanTheLagGetsNoVote() {
        promoter(true, WITH_LEARNER, 5_000, applied(5_000 - LearnerPromoter.CAUGHT_UP - 1)).check().join();
        assertThat(promoted).isEmpty();
    }

    @Test
    void aLearnerWithinTheLagIsPromoted() {
        promoter(true, WITH_LEARNER, 5_000, applied(5_000 - LearnerPromoter.CAUGHT_UP)).check().join();
        assertThat(promoted).containsExactly("n4");
    }

    @Test
    void aLearnerThatDoesNotAnswerOrSaysNothingGetsNoVote() {
        promoter(true, WITH_LEARNER, 10, CompletableFuture.failedFuture(new IllegalStateException("no answer")))
                .check().handle((v, e) -> null).join();
        promoter(true, WITH_LEARNER, 10, CompletableFuture.completedFuture(Json.MAPPER.createObjectNode()))
                .check().join();
        assertThat(promoted).isEmpty();
    }

    @Test
    void onlyTheLeaderPromotesAndOnlyLearners() {
        promoter(false, WITH_LEARNER, 10, applied(10)).check().join();
        promoter(true, WITH_LEARNER.subList(0, 2), 10, applied(10)).check().join();
        assertThat(promoted).isEmpty();
    }
}
