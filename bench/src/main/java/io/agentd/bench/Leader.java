package io.agentd.bench;

import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.ReadOptions;
import io.agentd.client.api.ClusterStatusView;
import io.agentd.client.api.MemberView;

import java.net.InetSocketAddress;
import java.time.Duration;

/** The leader's HTTP address, from {@code GET /v1/cluster/status} (its members list). */
record Leader(String id, InetSocketAddress http) {

    /**
     * Asks until some node names a leader with an HTTP address, for at most {@code wait}.
     * @param token the client's token (for the clients of single endpoints this may make), or null
     */
    static Leader find(AgentdClient client, String token, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        String last = "no answer";
        while (true) {
            try {
                ClusterStatusView s = client.clusterStatus(ReadOptions.staleRead());
                if (s.leader() != null) {
                    for (MemberView m : s.members()) {
                        if (m.id().equals(s.leader()) && m.httpAddress() != null && !m.httpAddress().isBlank()) {
                            return new Leader(m.id(), parse(m.httpAddress()));
                        }
                    }
                    // Servers started without --peer-http know only their own address: ask each endpoint.
                    Leader l = askEach(client, token, s.leader());
                    if (l != null) {
                        return l;
                    }
                    last = "leader " + s.leader() + " has no httpAddress in the members list and is not an endpoint";
                } else {
                    last = "no leader known";
                }
            } catch (AgentdException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no leader found in " + wait.toSeconds() + " s: " + last);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }

    private static Leader askEach(AgentdClient client, String token, String leader) {
        for (java.net.URI uri : client.endpoints()) {
            try {
                AgentdClient one = AgentdClient.builder().endpoint(uri).token(token)
                        .requestTimeout(Duration.ofSeconds(2)).maxAttempts(1).build();
                ClusterStatusView s = one.clusterStatus(ReadOptions.staleRead());
                if (leader.equals(s.nodeId())) {
                    return new Leader(leader, new InetSocketAddress(uri.getHost(), uri.getPort()));
                }
            } catch (AgentdException e) {
                // the next endpoint
            }
        }
        return null;
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not host:port: " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    String url() {
        return "http://" + http.getHostString() + ":" + http.getPort();
    }
}
