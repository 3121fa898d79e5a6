package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/namespaces/{ns}/agents:batch} and the paginated agent list, on a one-node coordinator. */
class BatchSpawnApiTest extends OneNodeApiTest {
    private static String item(String name, String command) {
        return "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"" + command + "\",\"constraints\":{\"pool\":\"nowhere\"}}}";
    }

    private static String batch(List<String> items) {
        return "{\"agents\":[" + String.join(",", items) + "]}";
    }

    @Test
    void eachItemIsCreatedUnchangedOrRejectedOnItsOwn() {
        assertThat(http.post("/v1/namespaces", "{\"name\":\"quota2\",\"quota\":{\"maxAgents\":3}}").status())
                .isEqualTo(201);
        assertThat(http.post("/v1/namespaces/quota2/agents", item("old", "/bin/true")).status()).isEqualTo(201);
        assertThat(http.post("/v1/namespaces/quota2/agents", item("taken", "/bin/true")).status()).isEqualTo(201);

        Http.Answer a = http.post("/v1/namespaces/quota2/agents:batch", batch(List.of(
                item("old", "/bin/true"), item("taken", "/bin/false"), item("new1", "/bin/true"),
                item("new2", "/bin/true"))));

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode r = a.json().path("results");
        assertThat(r).hasSize(4);
        assertThat(r.get(0).path("result").asText()).isEqualTo("unchanged");
        assertThat(r.get(0).path("id").asLong()).isPositive();
        assertThat(r.get(1).path("result").asText()).isEqualTo("rejected");
        assertThat(r.get(1).path("error").path("code").asText()).isEqualTo("ALREADY_EXISTS");
        assertThat(r.get(2).path("result").asText()).isEqualTo("created");
        assertThat(r.get(3).path("result").asText()).isEqualTo("rejected");
        assertThat(r.get(3).path("error").path("code").asText()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(a.json().path("created").asInt()).isEqualTo(1);
        assertThat(a.json().path("unchanged").asInt()).isEqualTo(1);
        assertThat(a.json().path("rejected").asInt()).isEqualTo(2);
        assertThat(http.get("/v1/namespaces/quota2/agents/new1").json().path("state").asText()).isEqualTo("pending");
        assertThat(http.get("/v1/namespaces/quota2/agents/new2").status()).isEqualTo(404);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAnswersTheFirstResultsAndChangesNothing() {
        String body = batch(List.of(item("r1", "/bin/true"), item("r2", "/bin/true")));
        Http.Answer first = http.post("/v1/namespaces/default/agents:batch", body, "Idempotency-Key", "batch-key-1");
        assertThat(first.json().path("created").asInt()).as(first.body()).isEqualTo(2);
        long revision = http.get("/v1/namespaces").revision();

        Http.Answer retry = http.post("/v1/namespaces/default/agents:batch", body, "Idempotency-Key", "batch-key-1");

        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(http.get("/v1/namespaces").revision()).isEqualTo(revision);
        // Without the key, the same agents are answered as unchanged.
        Http.Answer again = http.post("/v1/namespaces/default/agents:batch", body);
        assertThat(again.json().path("unchanged").asInt()).isEqualTo(2);
    }

    @Test
    void aMissingNamespaceRejectsEveryItem() {
        Http.Answer a = http.post("/v1/namespaces/nowhere/agents:batch", batch(List.of(item("x1", "/bin/true"))));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("results").get(0).path("error").path("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void moreThanAThousandItemsOrAnOverlongKeyAreRefusedAndNothingChanges() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            items.add("{\"name\":\"m" + i + "\",\"spec\":{\"command\":\"x\"}}");
        }
        long revision = http.get("/v1/namespaces").revision();
        Http.Answer a = http.post("/v1/namespaces/default/agents:batch", batch(items));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorMessage()).contains("1 to 1000 items, got 1001");
        Http.Answer b = http.post("/v1/namespaces/default/agents:batch", batch(List.of(item("k1", "/bin/true"))),
                "Idempotency-Key", "k".repeat(60));
        assertThat(b.status()).isEqualTo(400);
        assertThat(b.errorMessage()).contains("Idempotency-Key");
        assertThat(http.get("/v1/namespaces").revision()).isEqualTo(revision);
    }

    @Test
    void aFullPageAnswersAContinueTokenThatListsTheRest() {
        assertThat(http.post("/v1/namespaces", "{\"name\":\"pages\"}").status()).isEqualTo(201);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            items.add(item(String.format("p%02d", i), i % 2 == 0 ? "/bin/true" : "/bin/false"));
        }
        assertThat(http.post("/v1/namespaces/pages/agents:batch", batch(items)).json().path("created").asInt())
                .isEqualTo(25);

        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Http.Answer page = http.get("/v1/namespaces/pages/agents?limit=10&state=pending"
                    + (token == null ? "" : "&continue=" + token));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().forEach(a -> names.add(a.path("name").asText()));
            token = page.headers().firstValue("X-Agentd-Continue").orElse(null);
            pages++;
        } while (token != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(names).hasSize(25).isSorted().doesNotHaveDuplicates();
        assertThat(http.get("/v1/namespaces/pages/agents?limit=25").headers().firstValue("X-Agentd-Continue"))
                .as("a full last page still answers a token; the next page is empty").isPresent();
        assertThat(http.get("/v1/namespaces/pages/agents?limit=26").headers().firstValue("X-Agentd-Continue")).isEmpty();
    }
}
