package io.agentd.daemon.api;

import io.agentd.daemon.api.Json;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.Assignment;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.Health;
import io.agentd.statemachine.model.MetadataEntry;
import io.agentd.statemachine.model.RestartPolicy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class AgentJsonTest {
    /** Plain text, JSON's specials, control characters, non-ASCII, a surrogate pair, line separators. */
    private static final String[] PIECES = {"a", "Z", "0", " ", "/", "-", "_", ".", "\"", "\\", "\n", "\t", "\r",
        "\u0001", "\u001f", "\u007f", "é", "漢", "\uD83D\uDE00", "\u2028", "<", "&", "'"};

    @Test
    void anAgentIsWrittenByteForByteAsJacksonWritesItsView() {
        Random r = new Random(20261203);
        for (int i = 0; i < 3000; i++) {
            Agent a = agent(r);
            String expected = new String(Json.write(Views.agent(a)), StandardCharsets.UTF_8);
            assertThat(new String(AgentJson.bytes(a), StandardCharsets.UTF_8)).as("agent %d: %s", i, a).isEqualTo(expected);
        }
    }

    @Test
    void aFreshlySpawnedPendingAgentIsWrittenAsItsView() {
        AgentSpec spec = new AgentSpec("/bin/true", List.of(), new TreeMap<>(java.util.Map.of("A", "x".repeat(150))),
                null, 1, new TreeMap<>(), new TreeMap<>(), RestartPolicy.ON_FAILURE);
        Agent a = new Agent("default", "vs-m-0-1", 42, spec, DesiredState.RUNNING, AgentState.PENDING, null, 0,
                "no ready worker", null, 0, new TreeMap<>(), 42, 42, 1_764_800_000_000L, 1_764_800_000_123L, null, null, 0,
                0, 0, 0, List.of(), null);
        assertThat(AgentJson.bytes(a)).isEqualTo(Json.write(Views.agent(a)));
    }

    private static Agent agent(Random r) {
        TreeMap<String, String> env = new TreeMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            env.put("K" + r.nextInt(100), text(r, 40));
        }
        TreeMap<String, String> labels = new TreeMap<>();
        TreeMap<String, String> constraints = new TreeMap<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            labels.put("l" + r.nextInt(10), "v" + r.nextInt(10));
            constraints.put("c/" + r.nextInt(10), r.nextBoolean() ? "" : "x.y");
        }
        List<String> args = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            args.add(text(r, 20));
        }
        AgentSpec spec = new AgentSpec(nonEmpty(r), args, env, r.nextBoolean() ? null : nonEmpty(r), 1 + r.nextInt(8),
                labels, constraints, RestartPolicy.values()[r.nextInt(RestartPolicy.values().length)]);
        boolean assigned = r.nextBoolean();
        String worker = assigned ? "w-" + r.nextInt(5) : null;
        long token = assigned ? 1 + r.nextInt(1000) : 0;
        TreeMap<String, MetadataEntry> md = new TreeMap<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            md.put("k" + r.nextInt(20), new MetadataEntry(text(r, 30), 1 + r.nextInt(50)));
        }
        List<Assignment> history = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            history.add(new Assignment("w-" + r.nextInt(5), 1 + r.nextInt(100), r.nextInt(3), r.nextInt(1000),
                    time(r), text(r, 20)));
        }
        Health health = r.nextBoolean() ? null : new Health(r.nextBoolean() ? "ok" : "degraded", text(r, 30), time(r));
        String checkpoint = r.nextBoolean() ? null : text(r, 50);
        return new Agent("ns" + r.nextInt(3), "agent-" + r.nextInt(1000), 1 + r.nextInt(100_000), spec,
                DesiredState.values()[r.nextInt(DesiredState.values().length)],
                AgentState.values()[r.nextInt(AgentState.values().length)], worker, token,
                r.nextBoolean() ? null : text(r, 40), r.nextBoolean() ? null : r.nextInt(300) - 150, r.nextInt(10), md,
                r.nextInt(1000), r.nextInt(1000), time(r), time(r), r.nextBoolean() ? null : "w-" + r.nextInt(5),
                checkpoint, checkpoint == null ? 0 : r.nextInt(1000), r.nextInt(5), r.nextInt(5), time(r), history, health);
    }

    private static long time(Random r) {
        return r.nextInt(10) == 0 ? r.nextInt(1000) : 1_700_000_000_000L + (r.nextLong() & 0xFFFFFFFFFFL);
    }

    private static String nonEmpty(Random r) {
        String s = text(r, 30);
        return s.isEmpty() ? "x" : s;
    }

    private static String text(Random r, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            sb.append(r.nextInt(3) == 0 ? PIECES[r.nextInt(PIECES.length)] : String.valueOf((char) ('a' + r.nextInt(26))));
        }
        return sb.toString();
    }
}
