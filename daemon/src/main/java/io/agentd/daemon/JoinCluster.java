package io.agentd.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentd.config.ConfigException;
import io.agentd.daemon.config.HostPort;
import io.agentd.daemon.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code agentd server --join URL,...} on a new data dir: asks a running server for the group's
 * members (over the servers' internal route, with the cluster secret and the TLS files of this
 * server) and starts this one as a learner of that group. An operator then adds it with
 * {@code agentctl cluster add-member}; the leader makes it a voter once it has caught up. A data
 * dir that already holds Raft storage ignores join: the members come from the log.
 */
final class JoinCluster {
    private static final Logger LOG = LoggerFactory.getLogger(JoinCluster.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private JoinCluster() {
    }

    /** Fills in config's peers and peer-http from the cluster when this server joins one. */
    static void resolve(ServerConfig config, SSLContext tls, String clusterSecret) {
        if (config.join.isEmpty() || Files.exists(config.dataDir.resolve("raft"))) {
            return;
        }
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (tls != null) {
            b.sslContext(tls);
        }
        HttpClient http = b.build();
        StringBuilder failures = new StringBuilder();
        for (URI url : config.join) {
            HttpRequest.Builder req = HttpRequest.newBuilder(url.resolve("/v1/internal/members"))
                    .timeout(Duration.ofSeconds(5));
            if (clusterSecret != null) {
                req.header("X-Agentd-Cluster-Secret", clusterSecret);
            }
            try {
                HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    failures.append(' ').append(url).append(" answered ").append(r.statusCode()).append(';');
                    continue;
                }
                apply(config, JSON.readTree(r.body()));
                LOG.info("joining the cluster of {}: members {}; this server ({}) starts as a learner", url,
                        config.peers.keySet(), config.nodeId);
                return;
            } catch (IOException e) {
                failures.append(' ').append(url).append(": ").append(e.getMessage()).append(';');
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("join", "join: interrupted");
            }
        }
        throw new ConfigException("join", "join: no server told this one the members:" + failures
                + " (the servers must share the cluster secret or bootstrap token file, and trust each other's CA)");
    }

    private static void apply(ServerConfig config, JsonNode members) {
        Map<String, HostPort> peers = new TreeMap<>();
        Map<String, HostPort> http = new TreeMap<>(config.peerHttp);
        for (JsonNode m : members) {
            String id = m.path("id").asText();
            if (id.equals(config.nodeId) && m.path("voter").asBoolean(true)) {
                // A voter that lost its log must not vote: it could elect a leader without entries the
                // group committed. It rejoins once removed (or starts with the data dir it had).
                throw new ConfigException("join", "join: " + id + " is still a voting member of that cluster; on an"
                        + " empty data dir it must be removed first (agentctl cluster remove-member " + id
                        + "), or started with the data dir it had");
            }
            if (id.equals(config.nodeId)) {
                continue; // added already as a learner: this server's own flags say where it listens
            }
            if (m.path("voter").asBoolean(true)) {
                peers.put(id, HostPort.parse(m.path("raftAddress").asText()));
            }
            if (m.hasNonNull("httpAddress")) {
                http.put(id, HostPort.parse(m.path("httpAddress").asText()));
            }
        }
        if (peers.isEmpty()) {
            throw new ConfigException("join", "join: the cluster named no voting member");
        }
        peers.put(config.nodeId, config.raftAddr);
        config.peers = peers;
        config.peerHttp = http;
    }
}
