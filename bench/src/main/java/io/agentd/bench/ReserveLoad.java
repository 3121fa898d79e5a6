package io.agentd.bench;

import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs as an agent (the worker gives it {@code AGENTD_LOCAL_API} and {@code AGENTD_AGENT_SECRET}):
 * reserves on a provider through its worker's local API and commits, one call after the other over
 * one keep-alive connection, and times each reservation from send to answer. A provider with a
 * limit far above the load answers every reservation from the worker's bucket.
 */
final class ReserveLoad {
    static final String USAGE = """
            usage: reserve-load --provider P [--warmup N] [--count N]
              Reserve and commit N times (after N warm-up pairs) on the local API of the worker this
              runs under, as an agent. Prints a report and a RESULT line with the reservations' latency.
            """;
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    private ReserveLoad() {
    }

    static int run(String[] argv) {
        String provider;
        int warmup;
        int count;
        try {
            Args a = Args.parse(argv, Set.of());
            if (a.help()) {
                System.out.print(USAGE);
                return 0;
            }
            provider = a.string("provider", null);
            warmup = a.integer("warmup", 20_000);
            count = a.integer("count", 50_000);
            a.finish();
        } catch (IllegalArgumentException e) {
            System.err.println("reserve-load: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        String api = System.getenv("AGENTD_LOCAL_API");
        String secret = System.getenv("AGENTD_AGENT_SECRET");
        if (api == null || secret == null) {
            System.err.println("reserve-load: run it as an agent (AGENTD_LOCAL_API and AGENTD_AGENT_SECRET unset)");
            return 2;
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = api + "/v1/self/providers/" + provider;
        try {
            // The first reservations wait for the worker's first grant (a new leader learns first).
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pair(http, base, secret, "{\"requests\":1,\"wait\":\"5s\"}") < 0) {
                if (System.nanoTime() > deadline) {
                    System.err.println("reserve-load: no reservation granted within 60 s");
                    return 1;
                }
            }
            for (int i = 0; i < warmup; i++) {
                pair(http, base, secret, "{\"requests\":1}");
            }
            Histogram h = new Histogram(3);
            int refused = 0;
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long micros = pair(http, base, secret, "{\"requests\":1}");
                if (micros < 0) {
                    refused++;
                } else {
                    h.recordValue(micros);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("reserve-load: %d reservations and commits in %.1f s, %d refused; reservations %s%n",
                    count, seconds, refused, Report.latencies(h));
            System.out.printf("RESULT count=%d refused=%d rate=%.0f %s%n", count, refused, count / seconds,
                    Report.latencyFields(h, ""));
            return refused == 0 ? 0 : 1;
        } catch (Exception e) {
            System.err.println("reserve-load: failed: " + e);
            return 1;
        }
    }

    /** One reservation (timed, in microseconds; -1 when refused) and its commit. */
    private static long pair(HttpClient http, String base, String secret, String body) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/reserve"))
                .header("Authorization", "Bearer " + secret).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        long micros = (System.nanoTime() - t) / 1000;
        Matcher m = ID.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            return -1;
        }
        http.send(HttpRequest.newBuilder(URI.create(base + "/reservations/" + m.group(1) + "/commit"))
                .header("Authorization", "Bearer " + secret).POST(HttpRequest.BodyPublishers.ofString("{\"tokens\":0}"))
                .build(), HttpResponse.BodyHandlers.discarding());
        return micros;
    }
}
