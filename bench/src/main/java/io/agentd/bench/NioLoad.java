package io.agentd.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * HTTP/1.1 load from a few threads over many keep-alive connections. Each I/O thread owns a
 * selector and its share of the connections; requests are pre-formatted bytes (one per worker),
 * sent one at a time per connection (no pipelining, as real workers do) and every answer is read
 * whole (status, headers, a Content-Length or chunked body) before the connection is used again.
 * Much cheaper per request than a blocking thread per connection, whose context switches cost
 * the generator about 0.1 ms of CPU per request on this machine.
 *
 * <p>What to send comes from the {@link LoadRun} in force ({@code current}): open loop, a thread
 * takes the next slot of the schedule and sends it at its intended time on an idle connection
 * (later if all of its connections are busy: that wait counts in the latency); closed loop, every
 * idle connection sends the next worker's request at once. Each answer goes to the listener.
 */
final class NioLoad {
    /** One finished request; {@code error} is null for an answer that passed (status 200, body check). */
    interface Listener {
        void done(LoadRun run, int worker, long intended, long sent, long done, int status, String error);
    }

    private final byte[][] requests;
    private final byte[] bodyMustContain;
    private final Supplier<InetSocketAddress> target;
    private final Supplier<LoadRun> current;
    private final Listener listener;
    private final long timeoutNanos;
    private final LongAdder opens;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<IoLoop> loops = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param connections      keep-alive connections in all, spread over {@code ioThreads}
     * @param bodyMustContain  an answer whose body lacks these bytes is an error "body" (null: no check)
     * @param opens            counts connections opened
     */
    NioLoad(int connections, int ioThreads, int timeoutMs, byte[][] requests, byte[] bodyMustContain,
            Supplier<InetSocketAddress> target, Supplier<LoadRun> current, Listener listener, LongAdder opens) {
        if (connections < 1 || ioThreads < 1 || ioThreads > connections) {
            throw new IllegalArgumentException("need 1 <= io threads <= connections");
        }
        this.requests = requests;
        this.bodyMustContain = bodyMustContain;
        this.target = target;
        this.current = current;
        this.listener = listener;
        this.timeoutNanos = timeoutMs * 1_000_000L;
        this.opens = opens;
        for (int i = 0; i < ioThreads; i++) {
            int n = connections / ioThreads + (i < connections % ioThreads ? 1 : 0);
            loops.add(new IoLoop(i, n));
        }
    }

    void start() {
        for (IoLoop l : loops) {
            l.thread.start();
        }
    }

    void stop(long waitMillis) throws InterruptedException {
        stopping = true;
        for (IoLoop l : loops) {
            l.selector.wakeup();
        }
        for (IoLoop l : loops) {
            l.thread.join(waitMillis);
        }
    }

    private final class IoLoop implements Runnable {
        final Thread thread;
        final Selector selector;
        final Conn[] conns;
        final ArrayDeque<Conn> idle = new ArrayDeque<>();
        final ByteBuffer readBuf = ByteBuffer.allocateDirect(64 * 1024);
        // The slot this thread has claimed and not sent yet (open loop).
        LoadRun pendingRun;
        long pendingSlot = -1;
        int pendingWorker;
        long pendingIntended;
        long lastTimeoutScan = System.nanoTime();

        IoLoop(int index, int connections) {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new IllegalStateException("cannot open a selector", e);
            }
            conns = new Conn[connections];
            for (int i = 0; i < connections; i++) {
                conns[i] = new Conn();
                idle.add(conns[i]);
            }
            thread = new Thread(this, "load-io-" + index);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (!stopping) {
                try {
                    long now = System.nanoTime();
                    long wait = dispatch(now);
                    if (now - lastTimeoutScan > 50_000_000L) {
                        lastTimeoutScan = now;
                        expire(now);
                    }
                    // Sleep until the next send is due or an answer comes. select() counts in whole
                    // milliseconds, so waits under one are a park followed by a non-blocking poll.
                    int ready;
                    if (wait <= 0) {
                        ready = selector.selectNow();
                    } else if (wait < 1_000_000L) {
                        LockSupport.parkNanos(wait);
                        ready = selector.selectNow();
                    } else {
                        ready = selector.select(Math.min(wait / 1_000_000L, 50));
                    }
                    if (ready > 0) {
                        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                        while (it.hasNext()) {
                            SelectionKey k = it.next();
                            it.remove();
                            Conn c = (Conn) k.attachment();
                            if (k.isValid() && k.isWritable()) {
                                c.flush();
                            }
                            if (k.isValid() && k.isReadable()) {
                                c.read();
                            }
                        }
                    }
                } catch (RuntimeException | IOException e) {
                    System.err.println("load generator: " + e);
                }
            }
            for (Conn c : conns) {
                c.close();
            }
            try {
                // A channel registered with a selector keeps its socket open until the selector lets
                // go of its key: closing the selector is what frees the connections' descriptors.
                selector.close();
            } catch (IOException e) {
                System.err.println("load generator: " + e);
            }
        }

        /** Sends what is due on idle connections; returns nanoseconds until the next send is due (0: now, or unknown). */
        long dispatch(long now) {
            while (!stopping) {
                LoadRun run = current.get();
                if (!run.openLoop()) {
                    pendingSlot = -1;
                    Conn c = idle.poll();
                    if (c == null) {
                        return 50_000_000L; // every connection busy: an answer wakes the selector
                    }
                    int w = (int) (run.next.getAndIncrement() % run.closedWorkers);
                    c.send(run, w, now);
                    continue;
                }
                if (pendingSlot >= 0 && pendingRun != run && !pendingRun.measures(pendingIntended)) {
                    pendingSlot = -1; // the fleet changed: the new schedule has this worker's next renewal
                }
                if (pendingSlot < 0) {
                    pendingRun = run;
                    pendingSlot = run.next.getAndIncrement();
                    pendingWorker = run.schedule.worker(pendingSlot);
                    pendingIntended = run.t0 + run.schedule.offset(pendingSlot);
                }
                long wait = pendingIntended - System.nanoTime();
                if (wait > 0) {
                    return wait;
                }
                Conn c = idle.poll();
                if (c == null) {
                    return 50_000_000L;
                }
                c.send(pendingRun, pendingWorker, pendingIntended);
                pendingSlot = -1;
            }
            return 0;
        }

        void expire(long now) {
            for (Conn c : conns) {
                if (c.run != null && now - c.sentAt > timeoutNanos) {
                    c.fail("timeout", 0);
                }
            }
        }

        /** One connection: a request in flight at most; the answer parsed as it arrives. */
        final class Conn {
            SocketChannel ch;
            SelectionKey key;
            InetSocketAddress address;
            ByteBuffer out;
            boolean reused;      // carried an earlier answer: an EOF before the first byte is a stale connection
            // the request in flight
            LoadRun run;
            int worker;
            long intended;
            long sentAt;
            // answer parser
            static final int STATUS = 0, HEADERS = 1, BODY = 2, CHUNK_SIZE = 3, CHUNK_DATA = 4, CHUNK_END = 5,
                    TRAILERS = 6, UNTIL_CLOSE = 7;
            int state;
            int status;
            long remaining;
            boolean chunked;
            boolean closeAfter;
            boolean gotByte;
            final StringBuilder line = new StringBuilder(128);
            int matched;         // bytes of bodyMustContain matched so far
            boolean bodyOk;

            void send(LoadRun r, int w, long intendedAt) {
                run = r;
                worker = w;
                intended = intendedAt;
                int now = inFlight.incrementAndGet();
                r.maxInFlight.accumulateAndGet(now, Math::max);
                if (r.measures(intendedAt)) {
                    r.measuredSent.increment();
                }
                try {
                    InetSocketAddress t = target.get();
                    if (ch != null && !t.equals(address)) {
                        closeChannel();
                    }
                    if (ch == null) {
                        open(t);
                    }
                    resetParser();
                    sentAt = System.nanoTime();
                    out = ByteBuffer.wrap(requests[w]);
                    flush();
                } catch (IOException e) {
                    fail("io_send:" + e.getClass().getSimpleName(), 0);
                }
            }

            void open(InetSocketAddress t) throws IOException {
                SocketChannel s = SocketChannel.open();
                try {
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    s.socket().connect(t, (int) Math.min(Integer.MAX_VALUE, timeoutNanos / 1_000_000L));
                    s.configureBlocking(false);
                    key = s.register(selector, SelectionKey.OP_READ, this);
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
                ch = s;
                address = t;
                reused = false;
                opens.increment();
            }

            void flush() {
                try {
                    ch.write(out);
                    key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                            : SelectionKey.OP_READ);
                } catch (IOException e) {
                    fail("io_write:" + e.getClass().getSimpleName(), 0);
                }
            }

            void read() {
                int n;
                try {
                    readBuf.clear();
                    n = ch.read(readBuf);
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0) {
                    if (run == null) {
                        closeChannel(); // the server closed an idle connection
                    } else if (state == UNTIL_CLOSE) {
                        complete();
                    } else if (!gotByte && reused) {
                        retry();
                    } else {
                        fail(gotByte ? "io_read:closed_mid_answer" : "io_read:closed_before_answer", 0);
                    }
                    return;
                }
                if (run == null) {
                    return; // bytes nobody asked for: ignored
                }
                readBuf.flip();
                while (readBuf.hasRemaining() && run != null) {
                    gotByte = true;
                    byte b = readBuf.get();
                    if (!parse(b)) {
                        fail("bad_answer", status);
                        return;
                    }
                }
            }

            /** A reused connection the server had closed before it saw the request: open one and send again. */
            void retry() {
                closeChannel();
                try {
                    open(target.get());
                    resetParser();
                    out = ByteBuffer.wrap(requests[worker]);
                    flush();
                } catch (IOException e) {
                    fail("io_reopen:" + e.getClass().getSimpleName(), 0);
                }
            }

            /** Feeds one byte; false when the answer is malformed. */
            boolean parse(byte b) {
                switch (state) {
                    case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                        if (b != '\n') {
                            if (b != '\r') {
                                if (line.length() > 8192) {
                                    return false;
                                }
                                line.append((char) (b & 0xff));
                            }
                            return true;
                        }
                        return endOfLine();
                    }
                    case BODY -> {
                        body(b);
                        if (--remaining == 0) {
                            complete();
                        }
                        return true;
                    }
                    case CHUNK_DATA -> {
                        body(b);
                        if (--remaining == 0) {
                            state = CHUNK_END;
                        }
                        return true;
                    }
                    case UNTIL_CLOSE -> {
                        body(b);
                        return true;
                    }
                    default -> {
                        return false;
                    }
                }
            }

            boolean endOfLine() {
                String l = line.toString();
                line.setLength(0);
                switch (state) {
                    case STATUS -> {
                        if (!l.startsWith("HTTP/1.") || l.length() < 12) {
                            return false;
                        }
                        status = Integer.parseInt(l.substring(9, 12));
                        closeAfter = l.startsWith("HTTP/1.0");
                        state = HEADERS;
                    }
                    case HEADERS -> {
                        if (!l.isEmpty()) {
                            header(l);
                        } else if (chunked) {
                            state = CHUNK_SIZE;
                        } else if (remaining > 0) {
                            state = BODY;
                        } else if (remaining == 0) {
                            complete();
                        } else {
                            closeAfter = true;
                            state = UNTIL_CLOSE;
                        }
                    }
                    case CHUNK_SIZE -> {
                        int semi = l.indexOf(';');
                        long size = Long.parseLong((semi < 0 ? l : l.substring(0, semi)).trim(), 16);
                        if (size == 0) {
                            state = TRAILERS;
                        } else {
                            remaining = size;
                            state = CHUNK_DATA;
                        }
                    }
                    case CHUNK_END -> state = CHUNK_SIZE;
                    case TRAILERS -> {
                        if (l.isEmpty()) {
                            complete();
                        }
                    }
                    default -> {
                        return false;
                    }
                }
                return true;
            }

            void header(String h) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    return;
                }
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    remaining = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("connection")) {
                    closeAfter = value.equalsIgnoreCase("close");
                }
            }

            void body(byte b) {
                if (bodyOk || bodyMustContain == null) {
                    return;
                }
                // Naive matching is enough: the needle has no repeated prefix.
                matched = b == bodyMustContain[matched] ? matched + 1 : (b == bodyMustContain[0] ? 1 : 0);
                if (matched == bodyMustContain.length) {
                    bodyOk = true;
                }
            }

            void resetParser() {
                state = STATUS;
                status = 0;
                remaining = -1;
                chunked = false;
                closeAfter = false;
                gotByte = false;
                line.setLength(0);
                matched = 0;
                bodyOk = bodyMustContain == null;
            }

            void complete() {
                long done = System.nanoTime();
                String error = status != 200 ? "http_" + status : (bodyOk ? null : "body");
                finish(done, status, error);
                if (closeAfter) {
                    closeChannel();
                } else {
                    reused = true;
                }
            }

            void fail(String error, int st) {
                closeChannel();
                finish(System.nanoTime(), st, error);
            }

            void finish(long done, int st, String error) {
                LoadRun r = run;
                if (r == null) {
                    return;
                }
                run = null;
                inFlight.decrementAndGet();
                idle.add(this);
                listener.done(r, worker, intended, sentAt, done, st, error);
            }

            void closeChannel() {
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
                ch = null;
                key = null;
            }

            void close() {
                closeChannel();
            }
        }
    }
}
