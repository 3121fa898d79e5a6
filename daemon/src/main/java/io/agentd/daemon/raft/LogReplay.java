package io.agentd.daemon.raft;

import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.util.SizeInBytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Reads a stopped node's Raft log from its files, oldest entry first, without starting Ratis:
 * for recovery from a single survivor ({@code agentd recover}), which applies what the survivor
 * logged beyond its state store before it starts a new group.
 */
public final class LogReplay {
    private LogReplay() {
    }

    /**
     * One entry of the log: its term and index; for an entry of the state machine the leader's
     * stamp and the payload, else a null payload; for a configuration entry its voters (id →
     * Raft address), else null.
     */
    public record Entry(long term, long index, long leaderTimeMillis, byte[] payload,
                        java.util.Map<String, String> voters) {
    }

    /** What an entry visitor may throw. */
    @FunctionalInterface
    public interface Visitor {
        void visit(Entry e) throws IOException;
    }

    /** The folder of the group's log under a node's Raft storage directory. */
    public static Path logDir(Path raftStorage, UUID groupId) {
        return raftStorage.resolve(groupId.toString()).resolve("current");
    }

    /**
     * Visits every entry of the log files in {@code logDir} in index order; a torn last entry of
     * the open segment (a crash while writing it) ends the log there, as Ratis' own start does.
     */
    public static void read(Path logDir, Visitor visitor) throws IOException {
        List<LogSegmentPath> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                LogSegmentPath p = LogSegmentPath.matchLogSegment(f);
                if (p != null) {
                    segments.add(p);
                }
            }
        }
        segments.sort(Comparator.comparing(LogSegmentPath::getStartEnd));
        IOException[] failure = {null};
        for (LogSegmentPath s : segments) {
            LogSegment.readSegmentFile(s.getPath().toFile(), s.getStartEnd(), SizeInBytes.valueOf(64 << 20),
                    RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN, null, proto -> {
                        if (failure[0] != null) {
                            return;
                        }
                        try {
                            visitor.visit(entry(proto));
                        } catch (IOException e) {
                            failure[0] = e;
                        }
                    });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
    }

    private static Entry entry(LogEntryProto proto) {
        if (proto.hasConfigurationEntry()) {
            java.util.Map<String, String> voters = new java.util.TreeMap<>();
            proto.getConfigurationEntry().getPeersList().forEach(p ->
                    voters.put(p.getId().toStringUtf8(), p.getAddress()));
            return new Entry(proto.getTerm(), proto.getIndex(), 0, null, voters);
        }
        if (!proto.hasStateMachineLogEntry()) {
            return new Entry(proto.getTerm(), proto.getIndex(), 0, null, null);
        }
        StampedEntry e = StampedEntry.decode(proto.getStateMachineLogEntry().getLogData());
        return new Entry(proto.getTerm(), proto.getIndex(), e.leaderTimeMillis(), e.payload(), null);
    }
}
