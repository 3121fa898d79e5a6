package io.agentd.daemon.api;

import io.agentd.client.api.HeartbeatView;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The renewal fast path takes only what it answers exactly as the general route would. */
class HeartbeatFastPathTest {
    @Test
    void takesOnlyThePlainHeartbeatUriWithAValidId() {
        assertThat(HeartbeatFastPath.workerId("/v1/workers/w-1.a_B/heartbeat")).isEqualTo("w-1.a_B");
        assertThat(HeartbeatFastPath.workerId("/v1/workers/" + "x".repeat(128) + "/heartbeat")).hasSize(128);
        // The general route answers these (a 400 for a bad id, a decoded id, a query, other paths).
        assertThat(HeartbeatFastPath.workerId("/v1/workers/" + "x".repeat(129) + "/heartbeat")).isNull();
        assertThat(HeartbeatFastPath.workerId("/v1/workers//heartbeat")).isNull();
        assertThat(HeartbeatFastPath.workerId("/v1/workers/w%201/heartbeat")).isNull();
        assertThat(HeartbeatFastPath.workerId("/v1/workers/a/b/heartbeat")).isNull();
        assertThat(HeartbeatFastPath.workerId("/v1/workers/w1/heartbeat?x=1")).isNull();
        assertThat(HeartbeatFastPath.workerId("/v1/workers/w1/heartbeat/")).isNull();
        assertThat(HeartbeatFastPath.workerId("/v1/workers/w1/drain")).isNull();
        assertThat(HeartbeatFastPath.workerId("/v1/workers/heartbeat")).isNull();
    }

    @Test
    void takesAnEmptyBodyOrAnEmptyObjectOnly() {
        assertThat(empty("")).isTrue();
        assertThat(empty("{}")).isTrue();
        assertThat(empty(" \r\n{ \t}\n")).isTrue();
        assertThat(empty("{\"a\":1}")).isFalse();
        assertThat(empty("{")).isFalse();
        assertThat(empty("{}}")).isFalse();
        assertThat(empty("[]")).isFalse();
        assertThat(empty("x")).isFalse();
    }

    @Test
    void writesTheSameJsonAsTheGeneralPath() {
        HeartbeatView v = new HeartbeatView("w-1.a_B", "draining", 10_000, 310);
        assertThat(new String(HeartbeatFastPath.render(v), StandardCharsets.UTF_8))
                .isEqualTo(new String(Json.write(v), StandardCharsets.UTF_8));
        assertThat(HeartbeatFastPath.render(new HeartbeatView("w\"1", "ready", 1, 2)))
                .as("a string that needs escaping is left to Jackson").isNull();
    }

    private static boolean empty(String body) {
        return HeartbeatFastPath.emptyObject(Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    }
}
