package io.agentd.bench;

import io.agentd.client.AgentdClient;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The registry at scale. {@code load}: registers {@code --count} agents through the batch spawn
 * endpoint at the leader, {@code --batch} per request from {@code --concurrency} connections;
 * the agents are named {@code a-0000000}.., carry the label {@code group=gN} (N = index mod 100)
 * and stay pending (no worker). {@code probe}: latency of a linearizable {@code get} of a random
 * agent and of a filtered {@code list} (label selector, page limit) against one server.
 */
final class Scale {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Scale() {
    }

    static String name(int i) {
        return String.format("a-%07d", i);
    }

    static int run(String[] argv) {
        try {
            Args a = Args.parse(argv, Set.of());
            if (a.help() || argv.length == 0) {
                System.out.println("""
                        scale load  --servers URLS --count N [--batch 1000] [--concurrency 4] [--namespace scale]
                        scale probe --url URL --count N [--gets 300] [--lists 300] [--limit 100] [--namespace scale]
                        both: [--token-file FILE] the API token to send (default: none)""");
                return argv.length == 0 ? 2 : 0;
            }
            String mode = a.string("mode", null);
            return switch (mode) {
                case "load" -> load(a);
                case "probe" -> probe(a);
                default -> throw new IllegalArgumentException("--mode must be load or probe");
            };
        } catch (IllegalArgumentException e) {
            System.err.println("scale: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("scale: " + e);
            return 1;
        }
    }

    private static int load(Args a) throws Exception {
        String servers = a.string("servers", null);
        int count = a.integer("count", 1_000_000);
        int batch = a.integer("batch", 1000);
        int concurrency = a.integer("concurrency", 4);
        String ns = a.string("namespace", "scale");
        String token = Auth.token(a);
        a.finish();
        Leader leader = Leader.find(AgentdClient.builder().endpoints(servers).token(token).build(), token,
                Duration.ofSeconds(60));
        String base = "http://" + leader.http().getHostString() + ":" + leader.http().getPort();
        URI uri = URI.create(base + "/v1/namespaces/" + ns + "/agents:batch");
        int batches = (count + batch - 1) / batch;
        AtomicInteger next = new AtomicInteger();
        AtomicLong created = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLong tooMany = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Histogram lat = new Histogram(3_600_000_000L, 3);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int b = next.getAndIncrement(); b < batches && failure.get() == null; b = next.getAndIncrement()) {
                        int from = b * batch;
                        int to = Math.min(count, from + batch);
                        byte[] body = body(from, to);
                        int refused = 0;
                        for (int attempt = 1; ; ) {
                            long t0 = System.nanoTime();
                            HttpResponse<String> r = HTTP.send(authorized(HttpRequest.newBuilder(uri), token)
                                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                                    .header("Idempotency-Key", "scale-" + b)
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                synchronized (lat) {
                                    lat.recordValue((System.nanoTime() - t0) / 1000);
                                }
                                int c = count(r.body(), "\"result\":\"created\"");
                                created.addAndGet(c);
                                other.addAndGet(to - from - c);
                                break;
                            }
                            if (r.statusCode() == 429 && refused++ < 600) {
                                // Backpressure: the server's proposal queue is full; wait as it says and
                                // send the same batch again (the same Idempotency-Key).
                                long wait = r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                                tooMany.incrementAndGet();
                                Thread.sleep(Math.min(30, Math.max(1, wait)) * 1000L);
                                continue; // not a failed attempt
                            }
                            if (attempt >= 5 || r.statusCode() < 500) {
                                throw new IllegalStateException("batch " + b + ": " + r.statusCode() + " " + r.body());
                            }
                            Thread.sleep(500L * attempt++);
                        }
                        if (b > 0 && b % Math.max(1, batches / 10) == 0) {
                            System.err.printf("  batch %d/%d answered, %.0f s%n", b, batches,
                                    (System.nanoTime() - start) / 1e9);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "scale-load-" + t);
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("load failed: " + failure.get().getMessage(), failure.get());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.println("RESULT mode=load agents=" + count + " created=" + created.get() + " not_created=" + other.get()
                + " seconds=" + Report.fmt(secs, 1) + " agents_per_s=" + Report.fmt(count / secs, 0)
                + " refused_429=" + tooMany.get()
                + " batch=" + batch + Report.latencyFields(lat, "batch_"));
        return other.get() == 0 ? 0 : 1;
    }

    /** The request with {@code Authorization: Bearer TOKEN}, unless {@code token} is null. */
    private static HttpRequest.Builder authorized(HttpRequest.Builder b, String token) {
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private static byte[] body(int from, int to) {
        StringBuilder sb = new StringBuilder(160 * (to - from) + 16);
        sb.append("{\"agents\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append("{\"name\":\"").append(name(i)).append("\",\"spec\":{\"command\":\"sleep\",\"args\":[\"3600\"],")
                    .append("\"labels\":{\"group\":\"g").append(i % 100).append("\"}}}");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private static int probe(Args a) throws Exception {
        String url = a.string("url", null);
        int count = a.integer("count", 1_000_000);
        int gets = a.integer("gets", 300);
        int lists = a.integer("lists", 300);
        int limit = a.integer("limit", 100);
        String ns = a.string("namespace", "scale");
        String token = Auth.token(a);
        a.finish();
        SplittableRandom rnd = new SplittableRandom(42);
        Histogram get = new Histogram(60_000_000L, 3);
        Histogram list = new Histogram(60_000_000L, 3);
        // Warm-up: the first requests pay for class loading and JIT on both sides.
        for (int i = 0; i < 20; i++) {
            call(token, url + "/v1/namespaces/" + ns + "/agents/" + name(rnd.nextInt(count)));
            call(token, url + "/v1/namespaces/" + ns + "/agents?label=group%3Dg" + rnd.nextInt(100)
                    + "&limit=" + limit);
        }
        for (int i = 0; i < gets; i++) {
            long t0 = System.nanoTime();
            String body = call(token, url + "/v1/namespaces/" + ns + "/agents/" + name(rnd.nextInt(count)));
            get.recordValue((System.nanoTime() - t0) / 1000);
            if (!body.contains("\"state\":\"pending\"")) {
                throw new IllegalStateException("unexpected get answer: " + body);
            }
        }
        int listed = 0;
        for (int i = 0; i < lists; i++) {
            long t0 = System.nanoTime();
            String body = call(token, url + "/v1/namespaces/" + ns + "/agents?label=group%3Dg" + rnd.nextInt(100)
                    + "&limit=" + limit);
            list.recordValue((System.nanoTime() - t0) / 1000);
            listed += count(body, "\"namespace\":");
        }
        // The worst case of a filter: it matches nothing, so the whole namespace is scanned.
        Histogram scan = new Histogram(60_000_000L, 3);
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            call(token, url + "/v1/namespaces/" + ns + "/agents?state=running&limit=" + limit);
            scan.recordValue((System.nanoTime() - t0) / 1000);
        }
        System.out.println("get (linearizable, one agent): " + Report.latencies(get));
        System.out.println("list (label selector, limit " + limit + "): " + Report.latencies(list));
        System.out.println("list matching nothing (state=running, full scan): " + Report.latencies(scan));
        System.out.println("RESULT mode=probe gets=" + gets + Report.latencyFields(get, "get_") + " lists=" + lists
                + " listed_per_page=" + (lists == 0 ? 0 : listed / lists) + Report.latencyFields(list, "list_")
                + Report.latencyFields(scan, "scan_"));
        return 0;
    }

    private static String call(String token, String url) throws Exception {
        HttpResponse<String> r = HTTP.send(authorized(HttpRequest.newBuilder(URI.create(url)), token)
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
