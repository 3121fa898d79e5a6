package io.agentd.daemon.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on loopback that can cut the traffic through it the way a dropping firewall
 * does: while cut, every byte either way is silently discarded, so clients see no error, only
 * silence and their own timeouts. Healing closes the connections that lived through the cut (their
 * streams lost bytes) and forwards new ones normally. Needs no privileges.
 */
final class BlackholeProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean poisoned;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close() {
            links.remove(this);
            quietly(client);
            quietly(upstream);
        }
    }

    BlackholeProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "blackhole-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    /** From now on, every byte through the proxy is dropped. */
    void cut() {
        cut = true;
        for (Link l : links) {
            l.poisoned = true;
        }
    }

    /** Traffic flows again; connections that saw the cut are closed. */
    void heal() {
        cut = false;
        for (Link l : links) {
            if (l.poisoned) {
                l.close();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket c = server.accept();
                Socket u = new Socket();
                try {
                    u.connect(target, 2000);
                } catch (IOException e) {
                    quietly(c);
                    continue;
                }
                Link l = new Link(c, u);
                l.poisoned = cut;
                links.add(l);
                pump(l, c, u, "up");
                pump(l, u, c, "down");
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Link l, Socket from, Socket to, String dir) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (l.poisoned) {
                        continue; // dropped on the floor, like a DROP rule
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // a side closed: close the link
            } finally {
                l.close();
            }
        }, "blackhole-" + dir);
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Link l : links) {
            l.close();
        }
    }
}
