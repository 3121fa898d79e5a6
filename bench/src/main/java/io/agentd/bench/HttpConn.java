package io.agentd.bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * One HTTP/1.1 keep-alive connection over a plain blocking socket: the cheapest way to send
 * many small requests from a 2-core machine that also runs the servers. One request at a
 * time; not thread-safe. The connection is opened on first use and again after an error
 * or a {@code Connection: close}; the opens are counted in the given counter, so a run can
 * show that connections were reused.
 */
final class HttpConn implements Closeable {
    private final InetSocketAddress address;
    private final int timeoutMs;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean used;
    private final LongAdder opens;
    private final byte[] line = new byte[8192];

    HttpConn(InetSocketAddress address, int timeoutMs, LongAdder opens) {
        this.address = address;
        this.timeoutMs = timeoutMs;
        this.opens = opens;
    }

    InetSocketAddress address() {
        return address;
    }

    /** A complete request (request line, headers, body) with a Content-Length body, as bytes. */
    static byte[] request(String method, String path, String host, byte[] body) {
        return request(method, path, host, null, body);
    }

    /** The same with {@code Authorization: Bearer TOKEN} (no such header when {@code token} is null). */
    static byte[] request(String method, String path, String host, String token, byte[] body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + Auth.headerLine(token)
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /**
     * Sends one request and reads the whole answer; returns its status. A connection reused
     * from an earlier request that turns out closed before any byte of the answer is opened
     * again and the request sent once more (as HTTP clients do for idempotent requests).
     */
    int send(byte[] request) throws IOException {
        boolean reused = socket != null && used;
        try {
            return exchange(request);
        } catch (EOFException e) {
            close();
            if (!reused) {
                throw e;
            }
            return exchange(request);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private int exchange(byte[] request) throws IOException {
        if (socket == null) {
            open();
        }
        out.write(request);
        out.flush();
        used = true;
        String status = readLine(true);
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = status.startsWith("HTTP/1.0");
        while (true) {
            String h = readLine(false);
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("connection")) {
                closeAfter = value.equalsIgnoreCase("close");
            }
        }
        if (chunked) {
            while (true) {
                String size = readLine(false);
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!readLine(false).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                skip(n);
                readLine(false);
            }
        } else if (length >= 0) {
            skip(length);
        } else {
            closeAfter = true; // body until close: read it all
            while (in.read(line) >= 0) {
                // discard
            }
        }
        if (closeAfter) {
            close();
        }
        return code;
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoTimeout(timeoutMs);
            s.connect(address, timeoutMs);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            out = s.getOutputStream();
            used = false;
            opens.increment();
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** @param first EOF before the first byte is an {@link EOFException} (the peer closed an idle connection) */
    private String readLine(boolean first) throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (first && n == 0) {
                    throw new EOFException("connection closed by " + address);
                }
                throw new IOException("connection closed mid-answer by " + address);
            }
            if (b == '\n') {
                break;
            }
            if (n < line.length) {
                line[n++] = (byte) b;
            }
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            int r = in.read(line, 0, (int) Math.min(line.length, n));
            if (r < 0) {
                throw new IOException("connection closed mid-body by " + address);
            }
            n -= r;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
