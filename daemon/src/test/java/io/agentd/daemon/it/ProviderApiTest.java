package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/providers} on a real node: refused below feature level 3 without reaching the log,
 * then created, replaced, read, deleted, and bad definitions refused by name, changing nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProviderApiTest extends OneNodeApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPENAI = "{\"requestsPerMinute\":600,\"tokensPerMinute\":90000,\"maxConcurrent\":8,"
            + "\"group\":\"fast\",\"priority\":1,\"shares\":{\"team-a\":3},\"pricePer1kTokensUsd\":0.002}";

    @Test
    @Order(1)
    void belowLevelThreeAProviderIsRefusedBeforeTheLog() {
        long before = http.get("/v1/namespaces").revision();
        Http.Answer refused = http.put("/v1/providers/openai", OPENAI);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("FAILED_PRECONDITION");
        assertThat(refused.errorMessage()).contains("needs cluster feature level 3 (the cluster is at 1)")
                .contains("agentctl cluster upgrade --to 3");
        assertThat(http.delete("/v1/providers/openai").status()).isEqualTo(409);
        assertThat(http.get("/v1/namespaces").revision()).isEqualTo(before);
        assertThat(http.get("/v1/providers").json().size()).isZero();
    }

    @Test
    @Order(2)
    void createReplaceReadAndDelete() throws Exception {
        assertThat(http.post("/v1/cluster/feature-level", "{\"level\":3}").status()).isEqualTo(200);

        Http.Answer created = http.put("/v1/providers/openai", OPENAI);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode view = created.json();
        assertThat(view.path("name").asText()).isEqualTo("openai");
        assertThat(view.path("pricePer1kTokensUsd").decimalValue()).isEqualByComparingTo("0.002");
        assertThat(view.path("createRevision").asLong()).isEqualTo(created.revision());
        JsonNode definition = JSON.readTree(OPENAI);
        definition.fieldNames().forEachRemaining(f -> assertThat(view.path(f)).as(f).isEqualTo(definition.path(f)));

        Http.Answer again = http.put("/v1/providers/openai", OPENAI);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.revision()).as("the same definition changes nothing").isEqualTo(created.revision());

        Http.Answer replaced = http.put("/v1/providers/openai", "{\"requestsPerMinute\":1200}");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().path("requestsPerMinute").asLong()).isEqualTo(1200);
        assertThat(replaced.json().path("tokensPerMinute").isNull()).as("a limit left out is none").isTrue();
        assertThat(replaced.json().path("group").isNull()).isTrue();
        assertThat(replaced.json().path("shares").size()).isZero();
        assertThat(replaced.json().path("createRevision").asLong()).isEqualTo(created.revision());

        assertThat(http.put("/v1/providers/anthropic", "{\"requestsPerMinute\":50}").status()).isEqualTo(201);
        assertThat(http.get("/v1/providers").json().findValuesAsText("name")).containsExactly("anthropic", "openai");
        assertThat(http.get("/v1/providers/openai").json().path("requestsPerMinute").asLong()).isEqualTo(1200);
        JsonNode events = http.get("/v1/events?last=10").json().path("events");
        assertThat(events.findValuesAsText("type")).contains("ProviderSet");

        Http.Answer deleted = http.delete("/v1/providers/openai");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("requestsPerMinute").asLong()).as("the provider as it was").isEqualTo(1200);
        Http.Answer gone = http.get("/v1/providers/openai");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorMessage()).isEqualTo("provider openai not found");
        assertThat(http.delete("/v1/providers/openai").status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @Order(3)
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "/v1/providers/p|{}|requestsPerMinute is required",
            "/v1/providers/p|~~|body",
            "/v1/providers/p|{\"requestsPerMinute\":0}|requestsPerMinute must be 1 to",
            "/v1/providers/p|{\"requestsPerMinute\":\"lots\"}|requestsPerMinute",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"tokensPerMinute\":-5}|tokensPerMinute must be 0 (no limit) to",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"maxConcurrent\":-1}|maxConcurrent",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"group\":\"Fast Lane\"}|group",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"priority\":5000}|priority must be 0 to 1000",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"shares\":{\"team-a\":0}}|shares.team-a",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"shares\":{\"team-a\":null}}|shares.team-a",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"pricePer1kTokensUsd\":0.0000001}|at most 6 decimals",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"pricePer1kTokensUsd\":-1}|pricePer1kTokensUsd must be 0 to 1000",
            "/v1/providers/p|{\"requestsPerMinute\":1,\"colour\":\"red\"}|colour",
            "/v1/providers/Bad_Name|{\"requestsPerMinute\":1}|provider 'Bad_Name' is not a DNS label",
    })
    void badDefinitionsAreRefusedByNameAndChangeNothing(String path, String body, String mentions) {
        long before = http.get("/v1/namespaces").revision();
        Http.Answer a = http.put(path, body == null || body.isEmpty() ? null : body);
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.errorCode()).isEqualTo("INVALID_ARGUMENT");
        assertThat(a.errorMessage()).contains(mentions);
        assertThat(http.get("/v1/namespaces").revision()).isEqualTo(before);
    }
}
