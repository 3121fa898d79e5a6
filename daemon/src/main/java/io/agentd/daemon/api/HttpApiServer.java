package io.agentd.daemon.api;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.agentd.client.api.ErrorBody;
import io.agentd.client.api.HeartbeatView;
import io.agentd.daemon.coordinator.Authenticator;
import io.agentd.daemon.coordinator.DiskAlarm;
import io.agentd.daemon.coordinator.Principal;
import io.netty.bootstrap.ServerBootstrap;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 server of the API on Netty. Handlers answer with futures; the answer is
 * serialized and written on the connection's event loop, never on a Raft or apply thread.
 */
public final class HttpApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);

    private final Router router;
    private final Authenticator authenticator;
    private final int maxBodyBytes;
    private final MetricRegistry metrics;
    private final ConcurrentHashMap<String, DistributionDataPoint> timers = new ConcurrentHashMap<>();
    private final io.prometheus.metrics.core.metrics.Histogram requestDuration;
    private final HeartbeatFastPath.Renewer renewer;
    private final SpawnFastPath.Spawner spawner;
    /** Renewals are counted, not timed: at thousands a second a timer each costs more than it tells. */
    private final Counter heartbeats;
    private final Admission admission;
    private final TokenRateLimits rates;
    private final DiskAlarm disk;
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private Channel channel;
    private ApiTls tls;

    /**
     * @param routes spawns and lease renewals are taken past the router to these routes ({@link
     *               SpawnFastPath}, {@link HeartbeatFastPath}); null: every request goes through the router
     * @param authenticator who a request comes from, by its token (each route's {@link Guard} says
     *                      whether it needs one and what it may do)
     */
    public HttpApiServer(Router router, Authenticator authenticator, int maxBodyBytes, io.agentd.daemon.metrics.Metrics metrics,
                         ApiRoutes routes, ApiLimits limits) {
        this.admission = new Admission(limits.maxInflightRequests(), limits.writeDelayTarget(), System::nanoTime,
                metrics.registry().counter("http_writes_shed_for_delay"));
        this.rates = new TokenRateLimits(limits.tokenRates(), limits.tokenBurst(), System::nanoTime);
        this.disk = limits.disk();
        metrics.registry().register("http_requests_held", (com.codahale.metrics.Gauge<Integer>) admission::held);
        metrics.registry().register("http_writes_held", (com.codahale.metrics.Gauge<Integer>) admission::writesHeld);
        metrics.registry().register("http_write_delay_bound", (com.codahale.metrics.Gauge<Integer>) admission::delayBoundInForce);
        this.router = router;
        this.authenticator = authenticator;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics.registry();
        this.requestDuration = metrics.requestDuration();
        this.renewer = routes == null ? null : routes::renewLease;
        this.spawner = routes == null ? null : routes::spawn;
        this.heartbeats = metrics.registry().counter("http_heartbeats");
    }

    /** Serves over TLS from now on; call before {@link #start}. */
    public void useTls(ApiTls tls) {
        this.tls = tls;
    }

    /** Binds and starts serving; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newDetector());
                        }
                        ch.pipeline()
                                .addLast(new HttpServerCodec(8192, 16 * 1024, 64 * 1024))
                                .addLast(new LimitedAggregator(maxBodyBytes))
                                .addLast(new ApiHandler());
                    }
                });
        channel = b.bind(host, port).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Answers an oversized body with the API's JSON error instead of Netty's empty 413, and keeps
     * the connection: the aggregator drops the rest of that body as it arrives. Closing instead, with
     * the client still sending, makes the kernel reset the connection, and a reset can throw away
     * the answer before the client has read it. A client that asked to close closes after reading.
     */
    private static final class LimitedAggregator extends HttpObjectAggregator {
        private final int limit;

        LimitedAggregator(int limit) {
            super(limit);
            this.limit = limit;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            FullHttpResponse r = json(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    Json.write(ErrorBody.of("PAYLOAD_TOO_LARGE", "request body is larger than " + limit + " bytes")));
            HttpUtil.setKeepAlive(r, HttpUtil.isKeepAlive(oversized));
            ctx.writeAndFlush(r);
        }
    }

    private final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            Admission.Kind kind = Admission.kind(req.method(), req.uri());
            if (!admission.tryAdmit(kind)) {
                // Refused before anything else is done for it: shedding must cost less than serving.
                FullHttpResponse out = renderError(admission.refusal(kind));
                countError(out);
                write(ctx, out, keepAlive);
                return;
            }
            long admittedAt = admission.now();
            try {
                serve(ctx, req, kind, keepAlive, admittedAt);
            } catch (RuntimeException | Error e) {
                admission.release(kind, admittedAt, false);
                throw e;
            }
        }

        /** An admitted request; its place is given back when its answer is written. */
        private void serve(ChannelHandlerContext ctx, FullHttpRequest req, Admission.Kind kind, boolean keepAlive,
                           long admittedAt) {
            if (renewer != null && HttpMethod.POST.equals(req.method()) && req.decoderResult().isSuccess()) {
                String worker = HeartbeatFastPath.workerId(req.uri());
                if (worker != null && HeartbeatFastPath.emptyObject(req.content())) {
                    renew(ctx, req, worker, keepAlive, kind, admittedAt);
                    return;
                }
            }
            long start = System.nanoTime();
            String[] template = {"unmatched"};
            CompletableFuture<ApiResponse> answer = null;
            if (spawner != null && HttpMethod.POST.equals(req.method()) && req.decoderResult().isSuccess()) {
                answer = spawnFast(ctx, req, template);
            }
            if (answer == null) {
                try {
                    if (!req.decoderResult().isSuccess()) {
                        throw ApiException.invalid("malformed HTTP request");
                    }
                    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
                    Router.Match m = router.match(req.method(), qs.rawPath());
                    template[0] = m.template();
                    byte[] body = new byte[req.content().readableBytes()];
                    req.content().readBytes(body);
                    ApiRequest r = new ApiRequest(req.method(), qs.path(), qs.parameters(), req.headers(), body,
                            m.params(), Principal.ANONYMOUS, remote(ctx));
                    CompletableFuture<Principal> who = m.guard().authenticates()
                            ? authenticate(req, r.remote()) : CompletableFuture.completedFuture(Principal.ANONYMOUS);
                    answer = who.thenCompose(p -> {
                        ApiRequest known = r.withPrincipal(p);
                        rates.check(p);
                        m.guard().check(p, known);
                        if (kind == Admission.Kind.WRITE && Admission.addsData(req.method(), m.template())) {
                            refuseWhileLowOnDisk();
                        }
                        return m.handler().handle(known);
                    });
                } catch (Throwable t) {
                    answer = CompletableFuture.failedFuture(t);
                }
            }
            answer.whenCompleteAsync((resp, err) -> {
                FullHttpResponse out;
                try {
                    out = err == null ? render(resp, ctx.alloc()) : renderError(err);
                } catch (RuntimeException e) {
                    out = renderError(e);
                }
                admission.release(kind, admittedAt, out.status().code() < 300);
                requestTimer(template[0], req.method().name()).observe((System.nanoTime() - start) / 1e9);
                countError(out);
                write(ctx, out, keepAlive);
            }, ctx.executor());
        }

        /** The answer of a spawn {@link SpawnFastPath} takes, or null when the general route must. */
        private CompletableFuture<ApiResponse> spawnFast(ChannelHandlerContext ctx, FullHttpRequest req,
                                                         String[] template) {
            String ns = SpawnFastPath.namespace(req.uri());
            if (ns == null) {
                return null;
            }
            io.agentd.client.api.SpawnRequest body = SpawnFastPath.read(req.content());
            if (body == null) {
                return null;
            }
            template[0] = SpawnFastPath.TEMPLATE;
            try {
                ApiRequest r = new ApiRequest(req.method(), req.uri(), Map.of(), req.headers(), null, Map.of("ns", ns),
                        Principal.ANONYMOUS, remote(ctx));
                return authenticate(req, r.remote()).thenCompose(p -> {
                    ApiRequest known = r.withPrincipal(p);
                    rates.check(p);
                    SpawnFastPath.GUARD.check(p, known);
                    refuseWhileLowOnDisk();
                    return spawner.spawn(known, body);
                });
            } catch (Throwable t) {
                return CompletableFuture.failedFuture(t);
            }
        }

        private void renew(ChannelHandlerContext ctx, FullHttpRequest req, String worker, boolean keepAlive,
                           Admission.Kind kind, long admittedAt) {
            heartbeats.inc();
            CompletableFuture<HeartbeatView> answer;
            try {
                answer = authenticate(req, remote(ctx)).thenCompose(p -> {
                    rates.check(p);
                    Guard.allow(p.actsFor(worker), p, "act for worker " + worker);
                    return renewer.renew(worker);
                });
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenCompleteAsync((view, err) -> {
                admission.release(kind, admittedAt, err == null);
                FullHttpResponse out;
                if (err == null) {
                    byte[] body = HeartbeatFastPath.render(view);
                    out = json(HttpResponseStatus.OK, body != null ? body : Json.write(view));
                } else {
                    out = renderError(err);
                    countError(out);
                }
                write(ctx, out, keepAlive);
            }, ctx.executor());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** 507 while the cluster's free-space alarm is raised (a write that adds data may not go on). */
    private void refuseWhileLowOnDisk() {
        disk.raised().ifPresent(low -> {
            throw ApiException.insufficientStorage(low.describe() + ": the cluster refuses writes that add data"
                    + " until it has more; reads and deletes go on");
        });
    }

    private void countError(FullHttpResponse out) {
        if (out.status().code() >= 400) {
            metrics.counter("http_errors|status=" + out.status().code()).inc();
        }
    }

    /** Who sent a request: at once when this node knows the token (or there is none). */
    private CompletableFuture<Principal> authenticate(FullHttpRequest req, String remote) {
        return authenticator.authenticateLatest(req.headers().get(HttpHeaderNames.AUTHORIZATION), remote);
    }

    private static String remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(ctx.channel().remoteAddress());
    }

    /**
     * The latency histogram's data point of a route and method, found once: looking it up by its
     * labels is work every request would pay.
     */
    private DistributionDataPoint requestTimer(String route, String method) {
        return timers.computeIfAbsent(route + ' ' + method, k -> requestDuration.labelValues(route, method));
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse out, boolean keepAlive) {
        if (keepAlive) {
            HttpUtil.setKeepAlive(out, true);
            ctx.writeAndFlush(out);
        } else {
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse render(ApiResponse resp, ByteBufAllocator alloc) {
        FullHttpResponse out;
        if (resp.body() instanceof ApiResponse.Text t) {
            out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(resp.status()),
                    Unpooled.wrappedBuffer(t.text().getBytes(StandardCharsets.UTF_8)));
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, t.contentType());
            out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, out.content().readableBytes());
        } else if (resp.body() instanceof ApiResponse.Bytes b) {
            out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(resp.status()),
                    Unpooled.wrappedBuffer(b.bytes()));
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, b.contentType());
            out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, out.content().readableBytes());
        } else if (resp.body() instanceof ApiResponse.RawJson j) {
            out = json(HttpResponseStatus.valueOf(resp.status()), rawJson(j, alloc));
        } else {
            out = json(HttpResponseStatus.valueOf(resp.status()), Json.write(resp.body()));
        }
        for (Map.Entry<String, String> h : resp.headers().entrySet()) {
            out.headers().set(h.getKey(), h.getValue());
        }
        return out;
    }

    private FullHttpResponse renderError(Throwable err) {
        Throwable cause = err;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        ApiException e = cause instanceof ApiException a ? a : ErrorMapping.map(cause);
        if (e.status() >= 500 && !"UNAVAILABLE".equals(e.code()) && !"TIMEOUT".equals(e.code())
                && !ApiException.INSUFFICIENT_STORAGE.equals(e.code())) {
            LOG.error("internal error answering a request", cause);
        }
        FullHttpResponse out = json(HttpResponseStatus.valueOf(e.status()),
                Json.write(ErrorBody.of(e.code(), e.getMessage())));
        if (e.retryAfterSeconds() > 0) {
            out.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return out;
    }

    /** Writes the body into a buffer of the connection's allocator (no copy of it on the way out). */
    private static ByteBuf rawJson(ApiResponse.RawJson body, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer(1024);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf))) {
            body.writer().write(g);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) e;
        }
        return buf;
    }

    static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }
}
