package io.agentd.daemon.coordinator;

import io.agentd.daemon.config.HostPort;
import io.agentd.daemon.raft.LogPosition;
import io.agentd.daemon.raft.RaftNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Notices at once that the leader's process is gone, so that a follower holds an election now
 * instead of after its election timeout.
 *
 * <p><b>How.</b> A follower keeps one TCP connection open to the leader's HTTP API, a request to
 * {@code /v1/internal/liveness} that the leader holds without answering. When the leader's
 * process dies (kill -9, crash, a normal stop) its kernel closes the connection and the
 * follower reads end of file, a few milliseconds later. Only that counts: a partition, a frozen
 * leader (SIGSTOP, a long pause) or a slow network close nothing, and there the election
 * timeout still decides, as before. So this only shortens failover after a positive sign of
 * death; it never replaces the timeout.
 *
 * <p><b>Who stands.</b> One survivor: the one whose log is the most up to date (ties: the lowest
 * node id), so that the others grant it their vote. Each survivor asks the others where their
 * logs end ({@code /v1/internal/raft-position}) after a short settling pause (entries the leader
 * sent just before it died are still arriving), and stands only if none is ahead of it. It then
 * asks its Raft server for the election a leader starts when it hands over
 * ({@link RaftNode#electAfterLeaderLoss}). If that fails (a vote refused, a survivor that does
 * not answer) nothing is lost: the election timeout follows as it would have.
 *
 * <p>Needs the peers' HTTP addresses ({@code peer-http}); without them this does nothing.
 * Thread-safe; one thread of its own.
 */
public final class LeaderLossDetector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLossDetector.class);
    public static final String LIVENESS_PATH = "/v1/internal/liveness";
    public static final String POSITION_PATH = "/v1/internal/raft-position";
    /** How long the leader holds a liveness request before it answers (and the follower asks again). */
    public static final Duration LIVENESS_HOLD = Duration.ofMinutes(5);
    /** Lets the entries the dead leader sent last reach every survivor before logs are compared. */
    private static final Duration SETTLE = Duration.ofMillis(30);
    private static final Duration ASK_TIMEOUT = Duration.ofMillis(500);
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;
    /** How often the connection's reader looks whether the leader changed. */
    private static final int CHECK_MILLIS = 250;
    private static final Pattern LAST_TERM = Pattern.compile("\"lastTerm\"\\s*:\\s*(-?\\d{1,19})\\b");
    private static final Pattern LAST_INDEX = Pattern.compile("\"lastIndex\"\\s*:\\s*(-?\\d{1,19})\\b");

    private final String self;
    private final RaftNode raft;
    private final Map<String, HostPort> peerHttp;
    private final PeerLinks links;
    private final String secretHeader;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Socket socket;

    /**
     * @param links         how to reach the peers' APIs: plain, or TLS when the API uses it
     * @param clusterSecret what this server shows its peers ({@code X-Agentd-Cluster-Secret}); null: nothing
     */
    public LeaderLossDetector(String self, RaftNode raft, Map<String, HostPort> peerHttp, PeerLinks links,
                              String clusterSecret) {
        this.secretHeader = clusterSecret == null ? "" : "X-Agentd-Cluster-Secret: " + clusterSecret + "\r\n";
        this.self = self;
        this.raft = raft;
        this.peerHttp = Map.copyOf(peerHttp);
        this.links = links;
        this.thread = new Thread(this::run, "leader-loss-detector");
        thread.setDaemon(true);
        if (this.peerHttp.isEmpty()) {
            LOG.info("peer-http is not set: a dead leader is replaced after the election timeout only");
        } else {
            thread.start();
        }
    }

    /**
     * The survivor that should stand: the most up-to-date log, then the lowest id. {@code positions}
     * holds every survivor that answered, this node included.
     */
    static String candidate(Map<String, LogPosition> positions) {
        String best = null;
        for (Map.Entry<String, LogPosition> e : new TreeMap<>(positions).entrySet()) {
            if (best == null || e.getValue().compareTo(positions.get(best)) > 0) {
                best = e.getKey();
            }
        }
        return best;
    }

    private void run() {
        while (!closed.get()) {
            Optional<String> leader = raft.leaderId();
            if (leader.isEmpty() || leader.get().equals(self) || !peerHttp.containsKey(leader.get())) {
                pause(CHECK_MILLIS);
                continue;
            }
            try {
                if (watch(leader.get(), peerHttp.get(leader.get()))) {
                    leaderGone(leader.get());
                }
            } catch (IOException e) {
                // Could not connect, or an answer came: not a sign of death. Look again shortly.
                LOG.debug("liveness link to {}: {}", leader.get(), e.toString());
                pause(CHECK_MILLIS);
            }
        }
    }

    /**
     * Holds a liveness request open to {@code leader}. Returns true when the connection closed
     * without an answer while {@code leader} was still this node's leader; false when the leader
     * changed (or this detector closed) meanwhile.
     *
     * @throws IOException when it cannot connect, the leader refused TLS, or it answered
     */
    private boolean watch(String leader, HostPort address) throws IOException {
        try (Socket s = links.open(address, CONNECT_TIMEOUT_MILLIS)) {
            socket = s;
            s.setSoTimeout(CHECK_MILLIS);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + LIVENESS_PATH + " HTTP/1.1\r\nHost: " + address + "\r\n" + secretHeader + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            while (!closed.get()) {
                int b;
                try {
                    b = in.read();
                } catch (SocketTimeoutException e) {
                    if (!raft.leaderId().map(leader::equals).orElse(false)) {
                        return false; // a new leader (or none known): watch that one
                    }
                    continue;
                } catch (IOException e) {
                    if (PeerLinks.refusedByPeer(e)) {
                        throw e; // a live leader that refuses this server's certificate
                    }
                    b = -1; // reset: gone as surely as end of file
                }
                if (b < 0) {
                    return !closed.get();
                }
                throw new IOException("the leader answered the liveness request");
            }
            return false;
        } finally {
            socket = null;
        }
    }

    private void leaderGone(String leader) {
        if (!raft.leaderId().map(leader::equals).orElse(false) || raft.isLeader()) {
            return;
        }
        LOG.info("{}: the connection to leader {} closed: its process is gone", self, leader);
        pause(SETTLE.toMillis());
        Map<String, LogPosition> positions = new TreeMap<>();
        positions.put(self, raft.lastLogEntry());
        peerHttp.forEach((id, address) -> {
            if (!id.equals(self) && !id.equals(leader)) {
                ask(address).ifPresent(p -> positions.put(id, p));
            }
        });
        String candidate = candidate(positions);
        if (!self.equals(candidate)) {
            LOG.info("{}: {} stands after leader {} (logs: {})", self, candidate, leader, positions);
            return;
        }
        raft.electAfterLeaderLoss(leader);
    }

    /**
     * Where a peer's log ends, or empty when it does not answer in time. A plain HTTP/1.0 request
     * on a socket: the JDK's HTTP client's first call in a process would be most of the failover
     * (docs/benchmarks.md, "Measurements behind choices in the code").
     */
    private Optional<LogPosition> ask(HostPort address) {
        try (Socket s = links.open(address, (int) ASK_TIMEOUT.toMillis())) {
            s.setSoTimeout((int) ASK_TIMEOUT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET " + POSITION_PATH + " HTTP/1.0\r\nHost: " + address + "\r\n" + secretHeader + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] answer = s.getInputStream().readNBytes(64 * 1024); // the server closes after answering
            return parsePosition(new String(answer, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The log position in a whole HTTP answer of {@link #POSITION_PATH}, or empty unless it is a 200
     * with both numbers. Read with two patterns rather than a JSON parser: this runs once per dead
     * leader, so always cold, and Jackson's first tree read in an ObjectMapper builds its
     * deserializers, on the failover's critical path.
     */
    static Optional<LogPosition> parsePosition(String answer) {
        int body = answer.indexOf("\r\n\r\n");
        if (body < 0 || !answer.startsWith("HTTP/1.") || !answer.substring(0, answer.indexOf('\r')).contains(" 200")) {
            return Optional.empty();
        }
        String json = answer.substring(body + 4);
        Matcher term = LAST_TERM.matcher(json);
        Matcher index = LAST_INDEX.matcher(json);
        if (!term.find() || !index.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LogPosition(Long.parseLong(term.group(1)), Long.parseLong(index.group(1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The answer of {@link #POSITION_PATH}: this node's view, for another survivor to compare. */
    public static Map<String, Object> position(String self, RaftNode raft) {
        LogPosition last = raft.lastLogEntry();
        Map<String, Object> m = new TreeMap<>();
        m.put("node", self);
        m.put("term", raft.term());
        m.put("lastTerm", last.term());
        m.put("lastIndex", last.index());
        m.put("leader", raft.leaderId().orElse(null));
        return m;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing the liveness link", e);
            }
        }
        thread.interrupt();
    }
}
