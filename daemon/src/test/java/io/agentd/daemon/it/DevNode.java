package io.agentd.daemon.it;

import io.agentd.daemon.config.ServerConfig;
import io.agentd.daemon.CoordinatorNode;

import java.nio.file.Path;
import java.time.Duration;

/** A one-node coordinator in this JVM on loopback ports, as `agentd dev` runs it. */
final class DevNode {
    private DevNode() {
    }

    static CoordinatorNode start(Path dir) throws Exception {
        return start(dir, c -> { });
    }

    static CoordinatorNode start(Path dir, java.util.function.Consumer<ServerConfig> tweak) throws Exception {
        ServerConfig c = new ServerConfig();
        c.nodeId = "n1";
        c.dataDir = dir;
        c.httpAddr = new io.agentd.daemon.config.HostPort("127.0.0.1", 0);
        c.raftAddr = new io.agentd.daemon.config.HostPort("127.0.0.1", Ports.free());
        c.electionTimeoutMin = Duration.ofMillis(150);
        c.electionTimeoutMax = Duration.ofMillis(300);
        // Tests that register workers without a worker daemon must not see them expire mid-test.
        c.workerTtl = Duration.ofMinutes(10);
        c.insecure = true; // on loopback; tests of authentication turn it off
        tweak.accept(c);
        c.validate();
        CoordinatorNode node = CoordinatorNode.start(c);
        if (!node.awaitLeader(Duration.ofSeconds(60))) {
            node.close();
            throw new AssertionError("a one-node group elected no leader in 60 s");
        }
        return node;
    }

    static String url(CoordinatorNode node) {
        return "http://" + node.httpAddress();
    }
}
