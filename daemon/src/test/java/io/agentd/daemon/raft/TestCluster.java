package io.agentd.daemon.raft;

import org.apache.ratis.conf.RaftProperties;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * Up to a few RaftNodes in this JVM on 127.0.0.1, each with its own storage directory and its
 * own {@link ListStateMachine}, which survives a node's restart the way a disk would.
 */
final class TestCluster implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<String, RaftNodeConfig> configs = new LinkedHashMap<>();
    private final Map<String, ListStateMachine> machines = new LinkedHashMap<>();
    private final Map<String, RaftNode> running = new LinkedHashMap<>();
    private Consumer<RaftProperties> tuneServer = p -> { };

    TestCluster(Path baseDir, int size, UnaryOperator<RaftNodeConfig.Builder> tweak) throws IOException {
        Map<String, String> peers = new TreeMap<>();
        for (int i = 1; i <= size; i++) {
            peers.put("n" + i, "127.0.0.1:" + freePort());
        }
        String cluster = "test-" + baseDir.getFileName();
        for (String id : peers.keySet()) {
            RaftNodeConfig.Builder b = RaftNodeConfig.builder(id, peers.get(id), baseDir.resolve(id))
                    .peers(peers)
                    .clusterName(cluster)
                    .electionTimeout(Duration.ofMillis(400), Duration.ofMillis(800))
                    .requestTimeout(Duration.ofSeconds(15));
            configs.put(id, tweak.apply(b).build());
            machines.put(id, new ListStateMachine());
        }
    }

    TestCluster(Path baseDir, int size) throws IOException {
        this(baseDir, size, UnaryOperator.identity());
    }

    /** Changes the Ratis server properties of nodes started from now on (to replay other settings). */
    void tuneServer(Consumer<RaftProperties> tune) {
        this.tuneServer = tune;
    }

    List<String> ids() {
        return new ArrayList<>(configs.keySet());
    }

    RaftNode start(String id) throws IOException {
        if (running.containsKey(id)) {
            throw new IllegalStateException(id + " is running");
        }
        RaftNode node = RaftNode.start(configs.get(id), machines.get(id), tuneServer);
        running.put(id, node);
        return node;
    }

    void startAll() throws IOException {
        for (String id : configs.keySet()) {
            start(id);
        }
    }

    void stop(String id) {
        RaftNode node = running.remove(id);
        if (node != null) {
            node.close();
        }
    }

    RaftNode node(String id) {
        RaftNode node = running.get(id);
        if (node == null) {
            throw new IllegalStateException(id + " is not running");
        }
        return node;
    }

    /** Gives a stopped node another state machine, e.g. one whose durable state is older. */
    void replaceMachine(String id, ListStateMachine machine) {
        if (running.containsKey(id)) {
            throw new IllegalStateException(id + " is running");
        }
        machines.put(id, machine);
    }

    ListStateMachine machine(String id) {
        return machines.get(id);
    }

    List<RaftNode> runningNodes() {
        return new ArrayList<>(running.values());
    }

    /** Waits until the running nodes agree on one running leader that accepts writes, and returns it. */
    RaftNode awaitLeader() {
        await().atMost(WAIT).until(() -> currentLeader().isPresent());
        RaftNode leader = currentLeader().orElseThrow();
        // A new leader answers LeaderNotReady until it has applied its first entry; a write
        // through the leader itself (no forwarding) waits that out with the client's retries.
        return leader;
    }

    Optional<RaftNode> currentLeader() {
        for (RaftNode n : running.values()) {
            if (n.isLeader()) {
                String id = n.nodeId();
                boolean agreed = running.values().stream()
                        .allMatch(o -> o.leaderId().map(id::equals).orElse(false));
                if (agreed) {
                    return Optional.of(n);
                }
            }
        }
        return Optional.empty();
    }

    RaftNode anyFollower() {
        RaftNode leader = awaitLeader();
        return running.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        for (String id : new ArrayList<>(running.keySet())) {
            stop(id);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
