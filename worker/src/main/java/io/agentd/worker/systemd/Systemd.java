package io.agentd.worker.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the service is doing ({@code sd_notify(3)}), for units with
 * {@code Type=notify}: {@code READY=1} once the process serves, {@code STATUS=} lines,
 * {@code STOPPING=1} when it begins to stop, and {@code WATCHDOG=1} at half the unit's
 * {@code WatchdogSec=} while the process is healthy. Without {@code NOTIFY_SOCKET} in the
 * environment (not under systemd) every call does nothing.
 *
 * <p>The notification socket is a Unix datagram socket, which the JDK's channels cannot open (its
 * Unix domain sockets are stream sockets), so the datagram is sent with libc's {@code socket} and
 * {@code sendto} through JNA. A failed send is logged once and otherwise ignored: systemd's view
 * of the service must never take the service down.
 */
public final class Systemd {
    private static final Logger LOG = LoggerFactory.getLogger(Systemd.class);
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    /** {@code sizeof(struct sockaddr_un)} on Linux: a 2-byte family and a 108-byte path. */
    static final int SOCKADDR_UN_SIZE = 110;

    /** The libc calls used here (and, in tests, to receive). */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen)
                throws LastErrorException;

        int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

        NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static volatile LibC libc;

    private final byte[] address; // a struct sockaddr_un, or null: not under systemd
    private final Duration watchdog; // null: no watchdog asked for
    private volatile boolean failed;
    private ScheduledExecutorService pinger;

    private Systemd(byte[] address, Duration watchdog) {
        this.address = address;
        this.watchdog = watchdog;
    }

    /** From this process's environment. */
    public static Systemd fromEnvironment() {
        return fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * From {@code env}: {@code NOTIFY_SOCKET} (a path, or {@code @name} for an abstract socket),
     * {@code WATCHDOG_USEC} and {@code WATCHDOG_PID} (the watchdog is for this process when it is
     * {@code pid} or not given).
     */
    static Systemd fromEnvironment(Map<String, String> env, long pid) {
        String socket = env.get("NOTIFY_SOCKET");
        byte[] address = socket == null || socket.isEmpty() ? null : sockaddr(socket);
        Duration watchdog = null;
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        if (address != null && usec != null && (forPid == null || forPid.equals(Long.toString(pid)))) {
            try {
                long us = Long.parseLong(usec.trim());
                watchdog = us > 0 ? Duration.ofNanos(us * 1000) : null;
            } catch (NumberFormatException e) {
                LOG.warn("WATCHDOG_USEC is not a number of microseconds ('{}'): no watchdog pings", usec);
            }
        }
        return new Systemd(address, watchdog);
    }

    /**
     * A {@code struct sockaddr_un} for {@code socket}, as long as it needs to be: the family, then
     * the path and its NUL, or for an abstract name ({@code @name}) a NUL and the name.
     */
    static byte[] sockaddr(String socket) {
        boolean abstractName = socket.startsWith("@");
        byte[] path = (abstractName ? socket.substring(1) : socket).getBytes(StandardCharsets.UTF_8);
        int pathBytes = path.length + 1; // a leading NUL (abstract) or a trailing one (a path)
        if (pathBytes > SOCKADDR_UN_SIZE - 2) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is longer than a Unix socket address can be: " + socket);
        }
        ByteBuffer b = ByteBuffer.allocate(2 + pathBytes).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_UNIX);
        if (abstractName) {
            b.put((byte) 0).put(path);
        } else {
            b.put(path).put((byte) 0);
        }
        return b.array();
    }

    /** Whether this process runs under systemd with a notification socket. */
    public boolean enabled() {
        return address != null;
    }

    /** The watchdog interval systemd asked for, if any. */
    public Optional<Duration> watchdogInterval() {
        return Optional.ofNullable(watchdog);
    }

    /** {@code READY=1} with a status line. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    /** A status line, shown by {@code systemctl status}. */
    public void status(String status) {
        send("STATUS=" + oneLine(status));
    }

    /** {@code STOPPING=1}, with a status line. */
    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    /**
     * Pings the watchdog at half its interval while {@code healthy} says so, from a daemon thread,
     * until {@link #close()}. Does nothing when systemd asked for no watchdog.
     */
    public synchronized void startWatchdog(BooleanSupplier healthy) {
        if (watchdog == null) {
            return;
        }
        long every = Math.max(1, watchdog.toMillis() / 2);
        executor().scheduleAtFixedRate(() -> {
            try {
                if (healthy.getAsBoolean()) {
                    send("WATCHDOG=1");
                }
            } catch (RuntimeException e) {
                LOG.warn("the health check behind the systemd watchdog failed: {}", e.toString());
            }
        }, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Sends {@code status} as the status line every {@code every}, until {@link #close()}. */
    public synchronized void startStatusUpdates(java.util.function.Supplier<String> status, Duration every) {
        if (address == null) {
            return;
        }
        executor().scheduleWithFixedDelay(() -> {
            try {
                status(status.get());
            } catch (RuntimeException e) {
                LOG.debug("no status line for systemd", e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ScheduledExecutorService executor() {
        if (pinger == null) {
            pinger = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "systemd-notify");
                t.setDaemon(true);
                return t;
            });
        }
        return pinger;
    }

    /** Stops the watchdog pings and status updates. */
    public synchronized void close() {
        if (pinger != null) {
            pinger.shutdownNow();
            pinger = null;
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }

    /** Sends one datagram to the notification socket; failures are logged once. */
    void send(String message) {
        if (address == null) {
            return;
        }
        try {
            sendOrThrow(message);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            if (!failed) {
                failed = true;
                LOG.warn("cannot notify systemd ({}); the service runs on without telling it", e.toString());
            }
        }
    }

    void sendOrThrow(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        LibC c = libc();
        int fd;
        try {
            fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket: " + e.getMessage(), e);
        }
        try {
            NativeLong sent = c.sendto(fd, bytes, new NativeLong(bytes.length), 0, address, address.length);
            if (sent.longValue() != bytes.length) {
                throw new IOException("sendto sent " + sent + " of " + bytes.length + " bytes");
            }
        } catch (LastErrorException e) {
            throw new IOException("sendto: " + e.getMessage(), e);
        } finally {
            try {
                c.close(fd);
            } catch (LastErrorException e) {
                LOG.debug("close of the notification socket failed", e);
            }
        }
    }

    static LibC libc() {
        LibC c = libc;
        if (c == null) {
            synchronized (Systemd.class) {
                if (libc == null) {
                    libc = Native.load("c", LibC.class);
                }
                c = libc;
            }
        }
        return c;
    }
}
