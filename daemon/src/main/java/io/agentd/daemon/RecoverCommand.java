package io.agentd.daemon;

import io.agentd.daemon.config.HostPort;
import io.agentd.daemon.raft.LogReplay;
import io.agentd.daemon.raft.RaftNodeConfig;
import io.agentd.statemachine.Replica;
import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.storage.RocksStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code agentd recover --data-dir D --force-new-cluster --node-id N}: the last resort when a
 * cluster lost its majority for good. Offline, on one stopped survivor: applies every entry of
 * its Raft log beyond what its state store holds (committed or not: like etcd's
 * force-new-cluster, it keeps all the survivor logged, so nothing it acknowledged is lost), then
 * sets the old log aside and leaves a data dir that starts as a one-member cluster of this node.
 * Members are added back with {@code agentd server --join} and {@code agentctl cluster add-member}.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"Turn one stopped surviving member into a one-member cluster, keeping its data (offline).",
                "For a cluster that lost its majority for good; the other members must never start again."})
final class RecoverCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "the survivor's data dir")
    Path dataDir;

    @Option(names = "--force-new-cluster", description = "required: say that the old cluster is given up")
    boolean forceNewCluster;

    @Option(names = "--node-id", required = true, paramLabel = "ID", description = "the survivor's node id")
    String nodeId;

    @Option(names = "--raft-addr", paramLabel = "HOST:PORT",
            description = "where its Raft listens (default: as the last configuration in its log says)")
    String raftAddr;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = RaftNodeConfig.DEFAULT_CLUSTER_NAME,
            description = "the cluster's name, as the server was started with (default: ${DEFAULT-VALUE})")
    String clusterName;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!forceNewCluster) {
            err.println("agentd recover: give --force-new-cluster to say that the old cluster is given up: its other"
                    + " members must never start again with their data dirs");
            return 2;
        }
        Path raft = dataDir.resolve("raft");
        Path logDir = LogReplay.logDir(raft, RaftNodeConfig.builder(nodeId, "127.0.0.1:1", raft)
                .clusterName(clusterName).build().groupId());
        if (!Files.isDirectory(dataDir.resolve("state")) || !Files.isDirectory(logDir)) {
            err.println("agentd recover: " + dataDir + " holds no member's state and Raft log (looked for "
                    + dataDir.resolve("state") + " and " + logDir + ")");
            return 2;
        }
        long replayed = 0;
        Map<String, String> voters = Map.of();
        long revision;
        try (RocksStore store = RocksStore.open(dataDir.resolve("state"))) {
            Replica replica = new Replica(store);
            AppliedIndex before = replica.lastApplied();
            long[] count = {0};
            @SuppressWarnings("unchecked")
            Map<String, String>[] lastConf = new Map[]{Map.of()};
            LogReplay.read(logDir, e -> {
                if (e.voters() != null) {
                    lastConf[0] = e.voters();
                }
                if (e.payload() != null && e.index() > replica.lastApplied().index()) {
                    replica.apply(e.term(), e.index(), e.leaderTimeMillis(), e.payload());
                    count[0]++;
                }
            });
            replayed = count[0];
            voters = lastConf[0];
            revision = replica.state().revision();
            store.commit(new ChangeSet(), AppliedIndex.NONE); // a new log starts under this state
            out.printf("applied %d entries its log held beyond its state (applied index %d before); revision %d%n",
                    replayed, before.index(), revision);
        } catch (Exception e) {
            err.println("agentd recover: cannot recover " + dataDir + ": " + e
                    + " (is its server still running? it must be stopped)");
            return 1;
        }
        String address = raftAddr != null ? raftAddr : voters.get(nodeId);
        if (address == null) {
            err.println("agentd recover: the log names no Raft address for " + nodeId + " (members: " + voters.keySet()
                    + "): give --raft-addr");
            return 2;
        }
        try {
            HostPort hp = HostPort.parse(address);
            Path aside = dataDir.resolve("raft.before-recover-" + System.currentTimeMillis());
            Files.move(raft, aside);
            Map<String, HostPort> self = new TreeMap<>(Map.of(nodeId, hp));
            Files.writeString(dataDir.resolve(RestoreCommand.MARKER), "node-id=" + nodeId + "\npeers="
                    + RestoreCommand.format(self) + "\nrevision=" + revision + "\n");
            out.printf("%s is now a one-member cluster; its old Raft log is kept in %s%n", nodeId, aside);
            out.printf("start it with: agentd server --data-dir %s --node-id %s --raft-addr %s --peers %s=%s ...%n",
                    dataDir, nodeId, hp, nodeId, hp);
            out.println("then add members: agentd server --join URL on new data dirs, agentctl cluster add-member");
            return 0;
        } catch (Exception e) {
            err.println("agentd recover: " + e);
            return 1;
        }
    }
}
