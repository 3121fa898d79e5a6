package io.agentd.statemachine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Decodes a stream of encoded values on a few threads while the caller goes on reading the
 * stream, and hands back the results in the order the values came: the same list a loop that
 * decoded each value in turn would make, whatever the threads' timing (values are decoded in
 * chunks, and chunks are joined in the order they were cut).
 *
 * <p>With {@code threads == 0} everything is decoded on the calling thread, as that loop would.
 * At most {@code chunksInFlight} chunks wait for a decoder; {@link #add} blocks beyond that, so
 * the encoded bytes held at once stay bounded.
 *
 * <p>The decode function must be pure apart from thread-safe caches of equal values. Not
 * thread-safe itself: one thread calls {@link #add} and {@link #finish}. {@link #close} stops
 * the threads; it is idempotent and must be called (try-with-resources).
 */
final class OrderedDecoder<T> implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Function<byte[], T> decode;
    private final int chunkSize;
    private final ExecutorService pool;
    private final Semaphore inFlight;
    private final List<CompletableFuture<List<T>>> chunks = new ArrayList<>();
    private final List<T> inline = new ArrayList<>();
    private byte[][] current;
    private int filled;

    /**
     * @param threads        decoder threads; 0 decodes on the caller's thread
     * @param chunkSize      values per chunk handed to a decoder thread
     * @param chunksInFlight chunks cut but not yet decoded before {@link #add} waits
     */
    OrderedDecoder(Function<byte[], T> decode, int threads, int chunkSize, int chunksInFlight) {
        this.decode = Objects.requireNonNull(decode, "decode");
        if (threads < 0 || chunkSize < 1 || chunksInFlight < 1) {
            throw new IllegalArgumentException("threads " + threads + ", chunk size " + chunkSize
                    + ", chunks in flight " + chunksInFlight);
        }
        this.chunkSize = chunkSize;
        this.inFlight = new Semaphore(chunksInFlight);
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = threads == 0 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "decoder-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues one value; decodes it now when there are no decoder threads. */
    void add(byte[] encoded) {
        if (pool == null) {
            inline.add(decode.apply(encoded));
            return;
        }
        if (current == null) {
            current = new byte[chunkSize][];
            filled = 0;
        }
        current[filled++] = encoded;
        if (filled == chunkSize) {
            submit();
        }
    }

    private void submit() {
        byte[][] chunk = current;
        int n = filled;
        current = null;
        inFlight.acquireUninterruptibly();
        CompletableFuture<List<T>> done;
        try {
            done = CompletableFuture.supplyAsync(() -> {
                try {
                    List<T> out = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        out.add(decode.apply(chunk[i]));
                        chunk[i] = null;
                    }
                    return out;
                } finally {
                    inFlight.release();
                }
            }, pool);
        } catch (RuntimeException e) { // rejected: closed
            inFlight.release();
            throw e;
        }
        chunks.add(done);
    }

    /**
     * Every value added, decoded, in the order added. A failure of the decode function is
     * rethrown here as it was thrown (a runtime exception or error), that of the earliest chunk
     * that failed.
     */
    List<T> finish() {
        if (pool == null) {
            return inline;
        }
        if (current != null && filled > 0) {
            submit();
        }
        int total = 0;
        List<List<T>> parts = new ArrayList<>(chunks.size());
        for (CompletableFuture<List<T>> chunk : chunks) {
            List<T> part;
            try {
                part = chunk.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
            parts.add(part);
            total += part.size();
        }
        List<T> out = new ArrayList<>(total);
        parts.forEach(out::addAll);
        return out;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
