package io.agentd.daemon;

import io.agentd.daemon.config.HostPort;
import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.SnapshotFile;
import io.agentd.statemachine.store.Table;
import io.agentd.storage.RocksStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code agentd restore}: seeds the data dir of one member of a new cluster from a backup
 * ({@code agentctl cluster snapshot save}), offline. Run it on every member with the same file
 * and the same peers, then start the servers: they form a new Raft group whose state is the
 * backup's (its revision, agents, namespaces, metadata, tokens), with a new log.
 *
 * <p>Nothing is written into the data dir unless the whole file checks out: the store is built
 * in a folder beside it and moved into place at the end. The data dir must be missing or empty.
 * The node id and peers are kept in {@value #MARKER} so that the first start with other ones is
 * refused.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Seed one member of a new cluster from a backup (agentctl cluster snapshot save), offline.",
                "Run it on each member with the same file and --peers, then start the servers."})
final class RestoreCommand implements Callable<Integer> {
    /** The file in a restored data dir that names the node and peers it was restored for. */
    static final String MARKER = "restored-for";
    private static final int BATCH_ROWS = 10_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "the backup file")
    Path from;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "the new member's data dir: missing or empty")
    Path dataDir;

    @Option(names = "--node-id", required = true, paramLabel = "ID", description = "the new member's node id")
    String nodeId;

    @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
            description = "every member of the new cluster and its Raft address, as agentd server takes them")
    String peers;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, HostPort> members;
        try {
            members = parsePeers(peers);
        } catch (IllegalArgumentException e) {
            err.println("agentd restore: --peers: " + e.getMessage());
            return 2;
        }
        if (!members.containsKey(nodeId)) {
            err.println("agentd restore: --peers does not list --node-id '" + nodeId + "'");
            return 2;
        }
        Path target = dataDir.toAbsolutePath().normalize();
        try {
            if (Files.exists(target) && (!Files.isDirectory(target) || !isEmpty(target))) {
                err.println("agentd restore: " + target + " is not empty: restore only into a new data dir"
                        + " (nothing was written)");
                return 2;
            }
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            err.println("agentd restore: cannot use " + target + ": " + e.getMessage());
            return 1;
        }
        Path partial = target.resolveSibling("." + target.getFileName() + ".restoring");
        try {
            RocksStore.deleteDir(partial); // a restore that stopped halfway before
            Files.createDirectories(partial);
            SnapshotFile.Header h;
            long[] rows = {0};
            try (InputStream in = Files.newInputStream(from);
                 RocksStore store = RocksStore.open(partial.resolve("state"))) {
                ChangeSet batch = new ChangeSet();
                h = SnapshotFile.read(in, (table, key, value) -> {
                    batch.put(table, key, value);
                    rows[0]++;
                    if (batch.size() >= BATCH_ROWS) {
                        store.commit(batch, AppliedIndex.NONE);
                        batch.clear();
                    }
                });
                if (h.schemaVersion() != Table.SCHEMA_VERSION) {
                    throw new SnapshotFile.InvalidSnapshotException("the snapshot's store schema is version "
                            + h.schemaVersion() + "; this build has " + Table.SCHEMA_VERSION);
                }
                store.commit(batch, AppliedIndex.NONE);
            }
            StringBuilder marker = new StringBuilder("node-id=").append(nodeId).append('\n').append("peers=")
                    .append(format(members)).append('\n').append("revision=").append(h.revision()).append('\n');
            Files.writeString(partial.resolve(MARKER), marker);
            if (Files.exists(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            out.printf("restored revision %d (%d rows, taken by %s) into %s for %s of %s%n", h.revision(), rows[0],
                    h.takenBy(), target, nodeId, format(members));
            out.printf("start it with: agentd server --data-dir %s --node-id %s --raft-addr %s --peers %s ...%n",
                    target, nodeId, members.get(nodeId), format(members));
            return 0;
        } catch (NoSuchFileException e) {
            cleanUp(partial, err);
            err.println("agentd restore: no such file: " + from);
            return 2;
        } catch (SnapshotFile.InvalidSnapshotException e) {
            cleanUp(partial, err);
            err.println("agentd restore: " + from + ": " + e.getMessage() + " (nothing was written)");
            return 2;
        } catch (IOException | RuntimeException e) {
            cleanUp(partial, err);
            err.println("agentd restore: failed: " + e + " (nothing was written)");
            return 1;
        }
    }

    /**
     * A data dir restored for one node and set of peers, started for the first time (no Raft
     * storage yet) as another node or with other peers, would form another cluster than the one
     * its siblings form: refused, naming what differs.
     */
    static void checkFirstStart(io.agentd.daemon.config.ServerConfig c) {
        Path marker = c.dataDir.resolve(MARKER);
        if (!Files.exists(marker) || Files.exists(c.dataDir.resolve("raft"))) {
            return;
        }
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(marker)) {
            p.load(r);
        } catch (IOException e) {
            throw new io.agentd.config.ConfigException("data-dir", "data-dir: cannot read " + marker + ": " + e);
        }
        String peersNow = format(c.peers);
        if (!c.nodeId.equals(p.getProperty("node-id")) || !peersNow.equals(p.getProperty("peers"))) {
            throw new io.agentd.config.ConfigException("peers", "data-dir: " + c.dataDir + " was restored for node "
                    + p.getProperty("node-id") + " of " + p.getProperty("peers") + ", not node " + c.nodeId + " of "
                    + peersNow + ": start it as restored, or restore it again");
        }
    }

    static Map<String, HostPort> parsePeers(String text) {
        Map<String, HostPort> m = new TreeMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + part + "' is not ID=HOST:PORT");
            }
            String id = part.substring(0, eq).strip();
            if (m.put(id, HostPort.parse(part.substring(eq + 1).strip())) != null) {
                throw new IllegalArgumentException("'" + id + "' is listed twice");
            }
        }
        return m;
    }

    static String format(Map<String, HostPort> members) {
        StringBuilder b = new StringBuilder();
        members.forEach((id, hp) -> b.append(b.isEmpty() ? "" : ",").append(id).append('=').append(hp));
        return b.toString();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void cleanUp(Path partial, PrintWriter err) {
        try {
            RocksStore.deleteDir(partial);
        } catch (IOException e) {
            err.println("agentd restore: could not remove " + partial + ": " + e.getMessage());
        }
    }
}
