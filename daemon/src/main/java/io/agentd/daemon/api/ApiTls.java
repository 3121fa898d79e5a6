package io.agentd.daemon.api;

import io.agentd.daemon.config.TlsProvider;
import io.agentd.daemon.tls.ServerTls;
import io.agentd.daemon.tls.ServerTlsFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * TLS of the HTTP API: the Netty context made from the server's files, made again when they are
 * reloaded (connections already open keep theirs; new ones get the new one), and the first handler
 * of each connection, which sends TLS to Netty's {@link SslHandler} and answers plain HTTP with a
 * 400 that says to use https. Thread-safe.
 */
public final class ApiTls {
    /** The name of the connection's {@link SslHandler} in its pipeline. */
    public static final String HANDLER = "tls";
    private static final byte[] PLAIN_ANSWER = plainAnswer();

    private final SslProvider provider;
    private volatile SslContext context;

    /** The context from {@code tls}'s files now and after each reload; throws IllegalStateException when it cannot be made. */
    public ApiTls(ServerTls tls, TlsProvider setting) {
        this.provider = provider(setting);
        this.context = build(tls.files(), provider);
        tls.onReload(files -> context = build(files, provider));
    }

    /** The provider a setting means here: {@code auto} is OpenSSL where netty-tcnative loads. */
    public static SslProvider provider(TlsProvider setting) {
        return switch (setting) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("tls-provider: openssl cannot be loaded here ("
                            + OpenSsl.unavailabilityCause() + "); use auto or jdk");
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    /** The provider in use, for the start-up log. */
    public String describe() {
        return provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "the JDK's TLS";
    }

    /** Whether Raft should use OpenSSL too (the same choice, for the same reasons). */
    public boolean openSsl() {
        return provider == SslProvider.OPENSSL;
    }

    static SslContext build(ServerTlsFiles files, SslProvider provider) {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(files.key(), files.chain()).sslProvider(provider);
            if (!files.clientCa().isEmpty()) {
                b.clientAuth(ClientAuth.REQUIRE).trustManager(files.clientCa());
            }
            return b.build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalStateException("cannot set up TLS for the API with " + files.describe() + ": " + e, e);
        }
    }

    /** The first handler of a new connection. */
    ByteToMessageDecoder newDetector() {
        return new Detector(context);
    }

    /**
     * Replaces itself with an {@link SslHandler} when the first bytes are a TLS record; answers
     * anything else (a client that sent plain HTTP) with a 400 saying to use https, and closes.
     */
    private static final class Detector extends ByteToMessageDecoder {
        private final SslContext context;

        Detector(SslContext context) {
            this.context = context;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 5) {
                return;
            }
            if (SslHandler.isEncrypted(in, false)) {
                ctx.pipeline().replace(this, HANDLER, context.newHandler(ctx.alloc()));
            } else {
                in.skipBytes(in.readableBytes());
                ctx.writeAndFlush(Unpooled.wrappedBuffer(PLAIN_ANSWER)).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private static byte[] plainAnswer() {
        String body = "{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"this API is served over TLS: use"
                + " https://\"}}";
        return ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }
}
