package io.agentd.daemon.api;

import io.agentd.client.api.SpawnRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The spawn fast path takes only what it reads exactly as the general route's reader would. */
class SpawnFastPathTest {
    @Test
    void takesOnlyThePlainSpawnUriWithAPlainNamespace() {
        assertThat(SpawnFastPath.namespace("/v1/namespaces/default/agents")).isEqualTo("default");
        assertThat(SpawnFastPath.namespace("/v1/namespaces/team-a9/agents")).isEqualTo("team-a9");
        assertThat(SpawnFastPath.namespace("/v1/namespaces/" + "n".repeat(63) + "/agents")).hasSize(63);
        // The general route answers these (a 400 for a bad namespace, a decoded one, a query, other paths).
        assertThat(SpawnFastPath.namespace("/v1/namespaces/" + "n".repeat(64) + "/agents")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/namespaces//agents")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/namespaces/NOPE/agents")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/namespaces/de%66ault/agents")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/namespaces/default/agents?x=1")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/namespaces/default/agents/")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/namespaces/default/agents:batch")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/namespaces/a/b/agents")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/namespaces/agents")).isNull();
        assertThat(SpawnFastPath.namespace("/v1/agents")).isNull();
    }

    @Test
    void readsThePlainShapes() {
        assertThat(read("{\"name\":\"a\",\"spec\":{\"command\":\"/bin/true\",\"env\":{\"A\":\"x\"}}}")).isNotNull();
        assertThat(read(" {\"spec\" : {\"slots\":2, \"args\":[\"1\",\"\\u00e9\"], \"labels\":{}, \"constraints\":{\"z\":\"1\"},"
                + " \"restart\":\"never\", \"workingDir\":\"/\"}, \"name\":\"b\"} \n")).isNotNull();
        assertThat(read("{}")).isNotNull();
    }

    @Test
    void leavesEverythingElseToTheGeneralReader() {
        for (String body : List.of("", " ", "null", "[]", "{", "{}{}", "{} x", "{\"name\":null}", "{\"name\":1}",
                "{\"name\":\"a\",\"name\":\"b\"}", "{\"colour\":1}", "{\"spec\":{\"slotz\":1}}",
                "{\"spec\":{\"slots\":\"2\"}}", "{\"spec\":{\"slots\":2.0}}", "{\"spec\":{\"slots\":3000000000}}",
                "{\"spec\":{\"args\":[1]}}", "{\"spec\":{\"args\":\"x\"}}", "{\"spec\":{\"env\":{\"A\":null}}}",
                "{\"spec\":{\"env\":{\"A\":\"1\",\"A\":\"2\"}}}", "{\"spec\":null}", "{\"spec\":{\"command\":true}}",
                "{'name':'a'}", "{\"name\":\"a\"} // c")) {
            assertThat(read(body)).as(body).isNull();
        }
    }

    /**
     * Over generated bodies, valid and not: whatever the fast path reads, the general reader reads
     * to an equal request; whatever the general reader refuses, the fast path leaves alone.
     */
    @Test
    void whatItReadsTheGeneralReaderReadsTheSame() {
        Random r = new Random(20261203);
        int taken = 0;
        for (int i = 0; i < 20_000; i++) {
            String body = body(r);
            SpawnRequest fast = read(body);
            SpawnRequest general;
            try {
                general = Json.read(body.getBytes(StandardCharsets.UTF_8), SpawnRequest.class);
            } catch (ApiException e) {
                general = null;
            }
            if (fast != null) {
                taken++;
                assertThat(general).as(body).isNotNull();
                assertThat(fast).as(body).isEqualTo(general);
            }
        }
        assertThat(taken).as("the generator makes plain bodies too").isGreaterThan(2_000);
    }

    private static SpawnRequest read(String body) {
        return SpawnFastPath.read(body.getBytes(StandardCharsets.UTF_8));
    }

    private static final String[] STRINGS = {"\"a\"", "\"\"", "\"/bin/true\"", "\"x y\"", "\"\\u00e9\\n\\\"\"", "\"漢\"",
        "\"\\ud83d\\ude00\"", "\"never\"", "\"on-failure\""};
    private static final String[] OTHER = {"null", "1", "-0", "2.5", "1e3", "3000000000", "true", "[]", "{}", "[\"a\"]",
        "{\"k\":\"v\"}", "{\"k\":1}", "\"2\""};

    private static String value(Random r, String kind) {
        if (r.nextInt(6) == 0) {
            return OTHER[r.nextInt(OTHER.length)];
        }
        return switch (kind) {
            case "string" -> STRINGS[r.nextInt(STRINGS.length)];
            case "int" -> Integer.toString(r.nextInt(5) - 1);
            case "list" -> {
                List<String> items = new ArrayList<>();
                for (int n = r.nextInt(4); n > 0; n--) {
                    items.add(r.nextInt(8) == 0 ? OTHER[r.nextInt(OTHER.length)] : STRINGS[r.nextInt(STRINGS.length)]);
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> {
                List<String> items = new ArrayList<>();
                for (int n = r.nextInt(4); n > 0; n--) {
                    items.add("\"K" + r.nextInt(4) + "\":"
                            + (r.nextInt(8) == 0 ? OTHER[r.nextInt(OTHER.length)] : STRINGS[r.nextInt(STRINGS.length)]));
                }
                yield "{" + String.join(",", items) + "}";
            }
        };
    }

    private static String object(Random r, String[][] fields) {
        List<String> parts = new ArrayList<>();
        for (String[] f : fields) {
            if (r.nextInt(4) != 0) {
                parts.add("\"" + f[0] + "\":" + (f[1].equals("spec") ? spec(r) : value(r, f[1])));
            }
        }
        if (r.nextInt(15) == 0) {
            parts.add("\"" + fields[r.nextInt(fields.length)][0] + "\":\"again\"");
        }
        if (r.nextInt(15) == 0) {
            parts.add("\"unknown\":1");
        }
        Collections.shuffle(parts, r);
        String ws = r.nextInt(5) == 0 ? " \n" : "";
        return "{" + ws + String.join("," + ws, parts) + ws + "}";
    }

    private static String spec(Random r) {
        if (r.nextInt(12) == 0) {
            return OTHER[r.nextInt(OTHER.length)];
        }
        return object(r, new String[][] {{"command", "string"}, {"args", "list"}, {"env", "map"},
            {"workingDir", "string"}, {"slots", "int"}, {"labels", "map"}, {"constraints", "map"}, {"restart", "string"}});
    }

    private static String body(Random r) {
        String body = object(r, new String[][] {{"name", "string"}, {"spec", "spec"}});
        return switch (r.nextInt(20)) {
            case 0 -> body.substring(0, r.nextInt(body.length()));
            case 1 -> body + (r.nextBoolean() ? " {}" : "x");
            case 2 -> " " + body + "\n";
            default -> body;
        };
    }
}
