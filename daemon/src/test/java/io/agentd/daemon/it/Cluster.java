package io.agentd.daemon.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/** N real `agentd server` processes on loopback forming one group. */
final class Cluster implements AutoCloseable {
    final List<ServerProcess> servers = new ArrayList<>();
    /** The token the fixture's own requests carry (null: none, for insecure servers). */
    private String token;

    Cluster(Path root, int size, List<String> extraArgs) {
        this(root, size, extraArgs, null);
    }

    /** @param tls the certificates of servers n1..nN: TLS on their API and Raft (null: plain) */
    Cluster(Path root, int size, List<String> extraArgs, TestTls tls) {
        for (int i = 1; i <= size; i++) {
            servers.add(new ServerProcess("n" + i, root.resolve("n" + i), extraArgs, tls));
        }
        StringJoiner peers = new StringJoiner(",");
        StringJoiner http = new StringJoiner(",");
        servers.forEach(s -> peers.add(s.id + "=" + s.raftAddr()));
        servers.forEach(s -> http.add(s.id + "=127.0.0.1:" + s.httpPort));
        servers.forEach(s -> s.peers(peers.toString(), http.toString()));
    }

    /** Sends {@code token} with the fixture's own requests (a cluster with authentication on). */
    Cluster token(String token) {
        this.token = token;
        return this;
    }

    ServerProcess get(int i) {
        return servers.get(i);
    }

    /** The node id every live server names as leader, once they agree. */
    Optional<String> agreedLeader() {
        String leader = null;
        for (ServerProcess s : servers) {
            if (!s.alive()) {
                continue;
            }
            try {
                Http.Answer a = s.http().as(token).get("/v1/cluster/status");
                if (a.status() != 200) {
                    return Optional.empty();
                }
                String l = a.json().path("leader").asText(null);
                if (l == null || l.isEmpty() || (leader != null && !leader.equals(l))) {
                    return Optional.empty();
                }
                leader = l;
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(leader);
    }

    ServerProcess byId(String id) {
        return servers.stream().filter(s -> s.id.equals(id)).findFirst().orElseThrow();
    }

    String logs() {
        StringBuilder sb = new StringBuilder();
        for (ServerProcess s : servers) {
            sb.append("\n===== ").append(s.id).append(" log (tail) =====\n").append(s.log());
        }
        return sb.toString();
    }

    static Duration eventually() {
        return Duration.ofSeconds(90);
    }

    @Override
    public void close() throws InterruptedException {
        for (ServerProcess s : servers) {
            s.kill();
        }
    }
}
