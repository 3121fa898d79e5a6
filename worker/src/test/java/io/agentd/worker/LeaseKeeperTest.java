package io.agentd.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentd.client.AgentdClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Registration and renewals against a stand-in coordinator that announces a TTL and records the calls. */
class LeaseKeeperTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private HttpServer coordinator;
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong revision = new AtomicLong(100);
    private volatile long ttlMs;
    private final ScheduledExecutorService actions = Executors.newSingleThreadScheduledExecutor();
    private LeaseKeeper lease;

    private void coordinator(long ttlMs) throws IOException {
        this.ttlMs = ttlMs;
        coordinator = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        coordinator.createContext("/v1/workers", ex -> {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            long rev = revision.incrementAndGet();
            if (ex.getRequestURI().getPath().endsWith("/heartbeat")) {
                calls.add("heartbeat");
                answer(ex, rev, "{\"worker\":\"w1\",\"state\":\"ready\",\"leaseTtlMs\":" + this.ttlMs
                        + ",\"revision\":" + rev + "}");
            } else {
                int slots = body.path("capacitySlots").asInt();
                calls.add("register " + slots);
                answer(ex, rev, "{\"id\":\"w1\",\"address\":\"127.0.0.1:1\",\"zone\":\"\",\"labels\":{},"
                        + "\"capacitySlots\":" + slots + ",\"usedSlots\":0,\"state\":\"ready\",\"agents\":0,"
                        + "\"registerRevision\":101,\"revision\":" + rev + "}");
            }
        });
        coordinator.start();
    }

    private static void answer(HttpExchange ex, long revision, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("X-Agentd-Revision", Long.toString(revision));
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private LeaseKeeper start(WorkerConfig config, List<String> told) {
        config.workerId = "w1";
        config.slots = 8;
        config.dataDir = dir;
        AgentdClient client = AgentdClient.builder()
                .endpoint(URI.create("http://127.0.0.1:" + coordinator.getAddress().getPort())).build();
        lease = new LeaseKeeper(config, client, "127.0.0.1:1", actions, System::nanoTime, () -> true);
        lease.start(new LeaseKeeper.Holder() {
            @Override
            public Duration longestKillGrace() {
                return null;
            }

            @Override
            public void extended(boolean afterLapse) {
                told.add("extended");
            }

            @Override
            public void fence(String why) {
                told.add("fence");
            }

            @Override
            public void lost() {
                told.add("lost");
            }
        });
        return lease;
    }

    @AfterEach
    void stop() {
        if (lease != null) {
            lease.close();
        }
        actions.shutdownNow();
        coordinator.stop(0);
    }

    @Test
    void slotsAreOfferedOnlyAfterARenewalHasToldTheTtlAndTimingsFollowIt() throws Exception {
        coordinator(3000);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        start(new WorkerConfig(), told);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() >= 5);
        assertThat(calls.subList(0, 4)).containsExactly("register 0", "heartbeat", "register 8", "heartbeat");
        assertThat(lease.timings()).isEqualTo(LeaseTimings.derive(Duration.ofSeconds(3), new WorkerConfig()));
        assertThat(lease.left(Duration.ZERO)).isPositive().isLessThanOrEqualTo(Duration.ofMillis(2700));
        assertThat(lease.cannotRun()).isNotDone();
        assertThat(told).contains("extended").doesNotContain("fence", "lost");
        // The renewals come at the derived interval (300 ms), not the 1 s of a 10 s TTL.
        int before = calls.size();
        Thread.sleep(1500);
        assertThat(calls.size() - before).isBetween(3, 7);
    }

    @Test
    void timingsSetByHandThatCannotFitEndTheWorkerBeforeItIsOfferedAnything() throws Exception {
        coordinator(3000);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        WorkerConfig c = new WorkerConfig();
        c.stopGrace = Duration.ofSeconds(2);
        c.fenceMargin = Duration.ofSeconds(1);
        start(c, told);
        String why = lease.cannotRun().get(10, TimeUnit.SECONDS);
        assertThat(why).contains("worker-ttl of 3000 ms").contains("--stop-grace 2000ms").contains("--fence-margin 1000ms");
        Thread.sleep(500);
        assertThat(calls).containsExactly("register 0", "heartbeat");
        assertThat(lease.left(Duration.ZERO)).isLessThanOrEqualTo(Duration.ZERO);
        assertThat(told).doesNotContain("extended");
    }

    @Test
    void aShorterTtlLaterShortensTheLeaseAtOnceAndTheTimingsFollowIt() throws Exception {
        coordinator(10_000);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        start(new WorkerConfig(), told);
        await().atMost(Duration.ofSeconds(10)).until(() -> lease.left(Duration.ZERO).compareTo(Duration.ofSeconds(8)) > 0);
        ttlMs = 2000; // the coordinators were restarted with a shorter TTL
        await().atMost(Duration.ofSeconds(10)).until(() -> lease.timings().ttl().equals(Duration.ofSeconds(2)));
        await().atMost(Duration.ofSeconds(5)).until(() -> lease.left(Duration.ZERO).compareTo(Duration.ofMillis(1750)) <= 0);
        assertThat(lease.timings()).isEqualTo(LeaseTimings.derive(Duration.ofSeconds(2), new WorkerConfig()));
        assertThat(lease.cannotRun()).isNotDone();
    }

    @Test
    void aLaterTtlThatTheSetTimingsCannotFitFencesTheAgentsAndEndsTheWorker() throws Exception {
        coordinator(10_000);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        WorkerConfig c = new WorkerConfig();
        c.stopGrace = Duration.ofSeconds(2);
        start(c, told);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.contains("register 8"));
        ttlMs = 2000; // the coordinators were restarted with a shorter TTL
        String why = lease.cannotRun().get(10, TimeUnit.SECONDS);
        assertThat(why).contains("worker-ttl of 2000 ms").contains("--stop-grace 2000ms");
        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains("fence"));
        assertThat(lease.left(Duration.ZERO)).isLessThanOrEqualTo(Duration.ZERO);
    }
}
