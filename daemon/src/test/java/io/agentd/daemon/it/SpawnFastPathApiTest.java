package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spawn that takes the fast path ({@code POST /v1/namespaces/NS/agents}) is answered byte for
 * byte as the general route answers it. A query string sends the same request the general way
 * (the route reads no query parameters), so the two can be compared on one node.
 */
class SpawnFastPathApiTest extends OneNodeApiTest {
    private static final String FAST = "/v1/namespaces/default/agents";
    private static final String GENERAL = FAST + "?via=route";

    @Test
    void aSpawnIsAnsweredAsTheRouteAnswersIt() {
        String spec = "{\"command\":\"/bin/true\",\"args\":[\"a\",\"\\u00e9\"],\"env\":{\"B\":\"2\",\"A\":\"x\\\"y\"},"
                + "\"labels\":{\"team\":\"a\"},\"slots\":2,\"restart\":\"never\",\"workingDir\":\"/tmp\"}";
        // Created the one way, asked again the other: a spawn of an existing agent with the same spec
        // answers 200 with the agent as it is, so both bodies must be the same bytes.
        Http.Answer fast = http.post(FAST, "{\"name\":\"fp-1\",\"spec\":" + spec + "}");
        Http.Answer again = http.post(GENERAL, "{\"name\":\"fp-1\",\"spec\":" + spec + "}");
        assertThat(fast.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(fast.body()).isEqualTo(again.body());
        assertThat(fast.headers().firstValue("Content-Type")).isEqualTo(again.headers().firstValue("Content-Type"));

        Http.Answer general = http.post(GENERAL, "{\"spec\":" + spec + ",\"name\":\"fp-2\"}");
        Http.Answer fastAgain = http.post(FAST, "{\"spec\":" + spec + ",\"name\":\"fp-2\"}");
        assertThat(general.status()).isEqualTo(201);
        assertThat(fastAgain.status()).isEqualTo(200);
        assertThat(fastAgain.body()).isEqualTo(general.body());
        assertThat(fastAgain.revision()).isEqualTo(general.revision());

        // And as a read renders the agent (its view through Jackson): here the same, as nothing
        // changed it and its pending reason is still what a read works out now.
        assertThat(http.get(FAST + "/fp-1").body()).isEqualTo(fast.body());
    }

    @Test
    void anIdempotencyKeyWorksTheSameWay() {
        String body = "{\"name\":\"fp-key\",\"spec\":{\"command\":\"/bin/true\"}}";
        Http.Answer first = http.post(FAST, body, "Idempotency-Key", "k-fp-1");
        Http.Answer retry = http.post(GENERAL, body, "Idempotency-Key", "k-fp-1");
        Http.Answer retryFast = http.post(FAST, body, "Idempotency-Key", "k-fp-1");
        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retryFast.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retryFast.body()).isEqualTo(first.body());
        assertThat(http.post(FAST, body, "Idempotency-Key", "has space").errorMessage())
                .isEqualTo(http.post(GENERAL, body, "Idempotency-Key", "has space").errorMessage());
    }

    @Test
    void badInputGetsTheSameErrorBothWays() {
        http.post(FAST, "{\"name\":\"taken\",\"spec\":{\"command\":\"/bin/true\"}}");
        for (String body : List.of("{\"name\":\"Bad_Name\",\"spec\":{\"command\":\"x\"}}",
                "{\"name\":\"a\",\"spec\":{}}", "{\"name\":\"a\"}", "{}",
                "{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"slots\":0}}",
                "{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"restart\":\"sometimes\"}}",
                "{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"env\":{\"1BAD\":\"v\"}}}",
                "{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"labels\":{\"k\":\"bad value\"}}}",
                "{\"name\":\"taken\",\"spec\":{\"command\":\"/bin/false\"}}",
                // Not plain: both go the general way, and say the same.
                "{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"slots\":\"many\"}}", "{not json", "[1,2]",
                "{\"name\":\"a\",\"name\":\"b\",\"spec\":{\"command\":\"x\"}}")) {
            long before = http.get("/v1/namespaces").revision();
            Http.Answer fast = http.post(FAST, body);
            Http.Answer general = http.post(GENERAL, body);
            assertThat(fast.status()).as(body).isBetween(400, 499).isEqualTo(general.status());
            assertThat(fast.body()).as(body).isEqualTo(general.body());
            assertThat(http.get("/v1/namespaces").revision()).as("no change was made").isEqualTo(before);
        }
        Http.Answer missing = http.post("/v1/namespaces/missing/agents", "{\"name\":\"a\",\"spec\":{\"command\":\"x\"}}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo(
                http.post("/v1/namespaces/missing/agents?via=route", "{\"name\":\"a\",\"spec\":{\"command\":\"x\"}}").body());
    }
}
