package io.agentd.daemon.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets a 4xx naming the problem, never a 5xx, and changes nothing: the
 * cluster revision is the same before and after each refused request.
 */
class BadInputTest extends OneNodeApiTest {
    @BeforeAll
    void seed() {
        assertThat(http.post("/v1/namespaces/default/agents",
                "{\"name\":\"exists\",\"spec\":{\"command\":\"/bin/true\"}}").status()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "POST|/v1/namespaces/default/agents|{not json|400|INVALID_ARGUMENT|malformed JSON",
            "POST|/v1/namespaces/default/agents|~~|400|INVALID_ARGUMENT|body is required",
            "POST|/v1/namespaces/default/agents|[1,2]|400|INVALID_ARGUMENT|JSON object",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\"},\"colour\":1}|400|INVALID_ARGUMENT|colour",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"slotz\":1}}|400|INVALID_ARGUMENT|spec.slotz",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"slots\":\"many\"}}|400|INVALID_ARGUMENT|spec.slots",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"slots\":0}}|400|INVALID_ARGUMENT|spec.slots",
            "POST|/v1/namespaces/default/agents|{\"name\":\"Bad_Name\",\"spec\":{\"command\":\"x\"}}|400|INVALID_ARGUMENT|DNS label",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"spec\":{}}|400|INVALID_ARGUMENT|spec.command",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\"}|400|INVALID_ARGUMENT|spec is required",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"restart\":\"sometimes\"}}|400|INVALID_ARGUMENT|spec.restart",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"env\":{\"1BAD\":\"v\"}}}|400|INVALID_ARGUMENT|spec.env",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\",\"labels\":{\"k\":\"bad value\"}}}|400|INVALID_ARGUMENT|spec.labels",
            "POST|/v1/namespaces/default/agents|{\"name\":\"a\",\"name\":\"b\",\"spec\":{\"command\":\"x\"}}|400|INVALID_ARGUMENT|name",
            "POST|/v1/namespaces/NOPE/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\"}}|400|INVALID_ARGUMENT|namespace",
            "POST|/v1/namespaces/missing/agents|{\"name\":\"a\",\"spec\":{\"command\":\"x\"}}|404|NOT_FOUND|missing",
            "POST|/v1/namespaces|{\"name\":\"ns\",\"quota\":{\"maxAgents\":-1}}|400|INVALID_ARGUMENT|maxAgents",
            "PUT|/v1/namespaces/default/quota|{\"maxSlots\":\"lots\"}|400|INVALID_ARGUMENT|maxSlots",
            "PUT|/v1/namespaces/default/agents/exists/metadata/k|{\"value\":\"v\",\"ifVersion\":-3}|400|INVALID_ARGUMENT|ifVersion",
            "PUT|/v1/namespaces/default/agents/exists/metadata/bad%20key|{\"value\":\"v\"}|400|INVALID_ARGUMENT|metadata key",
            "PUT|/v1/namespaces/default/agents/exists/metadata/k|{}|400|INVALID_ARGUMENT|value",
            "POST|/v1/namespaces/default/agents/exists/status|{\"fencingToken\":5,\"state\":\"dancing\"}|400|INVALID_ARGUMENT|state",
            "POST|/v1/workers|{\"id\":\"w 1\",\"address\":\"a:1\",\"capacitySlots\":1}|400|INVALID_ARGUMENT|id",
            "POST|/v1/workers|{\"id\":\"w1\",\"capacitySlots\":1}|400|INVALID_ARGUMENT|address",
            "POST|/v1/workers|{\"id\":\"w1\",\"address\":\"a:1\",\"capacitySlots\":-2}|400|INVALID_ARGUMENT|capacitySlots",
            "POST|/v1/namespaces/default/agents:batch|{\"agents\":[]}|400|INVALID_ARGUMENT|1 to 1000",
            "POST|/v1/namespaces/default/agents:batch|{}|400|INVALID_ARGUMENT|1 to 1000",
            "POST|/v1/namespaces/default/agents:batch|{\"agents\":[{\"name\":\"b0\",\"spec\":{\"command\":\"x\"}},{\"name\":\"b1\",\"spec\":{\"command\":\"x\",\"slots\":0}}]}|400|INVALID_ARGUMENT|agents[1]: spec.slots",
            "POST|/v1/namespaces/default/agents:batch|{\"agents\":[{\"name\":\"b0\",\"spec\":{\"command\":\"x\"}},{\"name\":\"Bad_Name\",\"spec\":{\"command\":\"x\"}}]}|400|INVALID_ARGUMENT|agents[1]",
            "POST|/v1/namespaces/default/agents:batch|{\"agents\":[{\"name\":\"b0\",\"spec\":{\"command\":\"x\"}},{\"name\":\"b0\",\"spec\":{\"command\":\"y\"}}]}|400|INVALID_ARGUMENT|repeats agents[0]",
            "POST|/v1/namespaces/default/agents:batch|{\"agents\":[{\"name\":\"b0\"}]}|400|INVALID_ARGUMENT|agents[0]: spec is required",
            "POST|/v1/namespaces/default/agents:batch|{\"agents\":[null]}|400|INVALID_ARGUMENT|agents[0] is null",
            "POST|/v1/namespaces/default/agents:batch|{\"agents\":[{\"name\":\"b0\",\"spec\":{\"command\":\"x\"},\"colour\":1}]}|400|INVALID_ARGUMENT|colour",
            "GET|/v1/namespaces/default/agents?continue=!!|~~|400|INVALID_ARGUMENT|continue",
            "GET|/v1/namespaces/default/agents?continue=Zm9v|~~|400|INVALID_ARGUMENT|continue",
            "GET|/v1/nothing-here|~~|404|NOT_FOUND|/v1/nothing-here",
            "DELETE|/v1/namespaces|~~|405|METHOD_NOT_ALLOWED|DELETE",
            "GET|/v1/namespaces/default/agents?state=sleepy|~~|400|INVALID_ARGUMENT|state",
            "GET|/v1/namespaces/default/agents?label=nokv|~~|400|INVALID_ARGUMENT|label",
            "GET|/v1/agents?changedAfter=-1|~~|400|INVALID_ARGUMENT|changedAfter",
            "GET|/v1/namespaces/default/agents?changedAfter=yesterday|~~|400|INVALID_ARGUMENT|changedAfter",
            "GET|/v1/namespaces?index=x|~~|400|INVALID_ARGUMENT|index",
            "GET|/v1/namespaces?index=1&wait=forever|~~|400|INVALID_ARGUMENT|wait",
            "GET|/v1/namespaces?index=1&wait=10m|~~|400|INVALID_ARGUMENT|wait",
            "GET|/v1/namespaces?stale=maybe|~~|400|INVALID_ARGUMENT|stale",
            "GET|/v1/events?after=-1|~~|400|INVALID_ARGUMENT|after",
            "GET|/v1/events?last=0|~~|400|INVALID_ARGUMENT|last",
            "GET|/v1/events?last=many|~~|400|INVALID_ARGUMENT|last",
            "GET|/v1/events?last=2&after=1|~~|400|INVALID_ARGUMENT|last and after",
            "GET|/v1/events?last=2&wait=5s|~~|400|INVALID_ARGUMENT|last and wait",
            "GET|/v1/namespaces/default/agents/nobody|~~|404|NOT_FOUND|nobody",
            "GET|/v1/workers/nobody|~~|404|NOT_FOUND|nobody",
    })
    void refusedWithANamedReasonAndNothingChanges(String method, String path, String body, int status, String code,
                                                  String mentions) {
        long before = http.get("/v1/namespaces").revision();
        Http.Answer a = http.send(method, path, body == null || body.isEmpty() ? null : body);
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.errorCode()).isEqualTo(code);
        assertThat(a.errorMessage()).containsIgnoringCase(mentions);
        assertThat(http.get("/v1/namespaces").revision()).as("no change was made").isEqualTo(before);
    }

    /**
     * Refused with 413 every time, never a connection reset: the server used to close the
     * connection while the body was still arriving, and the reset lost the answer now and then.
     */
    @Test
    void oversizedBodiesAreRefusedWith413() {
        String big = "{\"name\":\"big\",\"spec\":{\"command\":\"" + "x".repeat(2 << 20) + "\"}}";
        long before = http.get("/v1/namespaces").revision();
        for (int i = 0; i < 100; i++) {
            assertThat(http.post("/v1/namespaces/default/agents", big).status()).as("attempt %d", i).isEqualTo(413);
        }
        Http.Answer a = http.post("/v1/namespaces/default/agents", big);
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(http.get("/v1/namespaces").revision()).isEqualTo(before);
    }

    @Test
    void badIdempotencyKeyIsRefused() {
        Http.Answer a = http.send("POST", "/v1/namespaces", "{\"name\":\"idk\"}", "Idempotency-Key", "has space");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorMessage()).contains("Idempotency-Key");
    }
}
