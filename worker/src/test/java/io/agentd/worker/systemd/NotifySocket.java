package io.agentd.worker.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for systemd's notification socket in tests: a Unix datagram socket bound to a path
 * (or an abstract name, {@code @name}), and the messages sent to it.
 */
public final class NotifySocket implements AutoCloseable {
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;
    private final int fd;
    private final String name;

    /** Bound to {@code socket}: a path, or {@code @name}. */
    public NotifySocket(String socket) {
        Systemd.LibC c = Systemd.libc();
        this.fd = c.socket(Systemd.AF_UNIX, Systemd.SOCK_DGRAM | Systemd.SOCK_CLOEXEC, 0);
        byte[] addr = Systemd.sockaddr(socket);
        c.bind(fd, addr, addr.length);
        this.name = socket;
    }

    public NotifySocket(Path path) {
        this(path.toString());
    }

    /** The value for {@code NOTIFY_SOCKET}. */
    public String name() {
        return name;
    }

    /** The next message, or null if none came within {@code wait}. */
    public String receive(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        byte[] buf = new byte[4096];
        while (true) {
            try {
                NativeLong n = Systemd.libc().recv(fd, buf, new NativeLong(buf.length), MSG_DONTWAIT);
                return new String(buf, 0, (int) n.longValue(), StandardCharsets.UTF_8);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EAGAIN) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(10);
        }
    }

    /** Messages until one contains {@code part} (included), or all that came within {@code wait}. */
    public List<String> receiveUntil(String part, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> got = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String m = receive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (m == null) {
                break;
            }
            got.add(m);
            if (m.contains(part)) {
                break;
            }
        }
        return got;
    }

    @Override
    public void close() {
        Systemd.libc().close(fd);
    }
}
