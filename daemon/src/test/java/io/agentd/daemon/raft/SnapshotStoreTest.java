package io.agentd.daemon.raft;

import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotStoreTest {
    private static SnapshotRetentionPolicy keep(int n) {
        return new SnapshotRetentionPolicy() {
            @Override
            public int getNumSnapshotsRetained() {
                return n;
            }
        };
    }

    private static SnapshotStore.Writer files(String... names) {
        return dir -> {
            Files.createDirectories(dir.resolve("sub"));
            for (String n : names) {
                Files.writeString(dir.resolve(n), n);
            }
        };
    }

    @Test
    void aSnapshotIsPublishedWithEveryFileAsAnAbsolutePath(@TempDir Path sm) throws IOException {
        SnapshotStore store = new SnapshotStore(Duration.ZERO);
        store.open(sm);
        assertThat(store.getLatestSnapshot()).isNull();

        store.create(TermIndex.valueOf(2, 40), files("a", "sub/b"));

        assertThat(store.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(2, 40));
        assertThat(store.getLatestSnapshot().getFiles()).extracting(FileInfo::getPath)
                .containsExactly(sm.resolve("snapshot.2_40/a").toAbsolutePath(),
                        sm.resolve("snapshot.2_40/sub/b").toAbsolutePath());
        assertThat(store.getLatestSnapshot().getFiles()).allMatch(f -> f.getFileSize() > 0);
    }

    @Test
    void anUnfinishedSnapshotIsNeverPublishedAndIsDeletedAtStart(@TempDir Path sm) throws IOException {
        SnapshotStore store = new SnapshotStore(Duration.ZERO);
        store.open(sm);
        assertThatThrownBy(() -> store.create(TermIndex.valueOf(1, 5), dir -> {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("half"), "x");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(store.getLatestSnapshot()).isNull();
        assertThat(list(sm)).isEmpty();

        Files.createDirectories(sm.resolve(".partial.snapshot.1_9"));
        SnapshotStore restarted = new SnapshotStore(Duration.ZERO);
        restarted.open(sm);
        assertThat(list(sm)).isEmpty();
    }

    @Test
    void snapshotsThatRatisCouldNotShipAreRefused(@TempDir Path sm) throws IOException {
        SnapshotStore store = new SnapshotStore(Duration.ZERO);
        store.open(sm);
        assertThatThrownBy(() -> store.create(TermIndex.valueOf(1, 5), Files::createDirectories))
                .hasMessageContaining("no file");
        assertThatThrownBy(() -> store.create(TermIndex.valueOf(1, 6), files("data.md5")))
                .hasMessageContaining(".md5");
        assertThat(store.getLatestSnapshot()).isNull();
    }

    @Test
    void reloadPicksUpAnInstalledSnapshotAndDropsTheMd5FilesRatisLeftBeside(@TempDir Path sm) throws IOException {
        SnapshotStore store = new SnapshotStore(Duration.ZERO);
        store.open(sm);
        store.create(TermIndex.valueOf(1, 10), files("a"));
        // What Ratis does on a follower: the whole directory replaced by the received files.
        Path installed = sm.resolve("snapshot.3_70");
        Files.createDirectories(installed);
        Files.writeString(installed.resolve("a"), "new");
        Files.writeString(installed.resolve("a.md5"), "0123 *a");
        SnapshotStore.deleteRecursively(sm.resolve("snapshot.1_10"));

        assertThat(store.reload()).map(SnapshotStore.Snapshot::termIndex).contains(TermIndex.valueOf(3, 70));
        assertThat(list(installed)).containsExactly("a");
        assertThat(store.getLatestSnapshot().getFiles()).hasSize(1);
    }

    @Test
    void oldSnapshotsGoOnceBeyondTheRetainedCountAndTheGracePeriod(@TempDir Path sm) throws IOException {
        SnapshotStore noGrace = new SnapshotStore(Duration.ZERO);
        noGrace.open(sm);
        for (int i = 1; i <= 4; i++) {
            noGrace.create(TermIndex.valueOf(1, i * 10), files("a"));
        }
        noGrace.cleanupOldSnapshots(keep(2));
        assertThat(list(sm)).containsExactlyInAnyOrder("snapshot.1_40", "snapshot.1_30");

        SnapshotStore withGrace = new SnapshotStore(Duration.ofHours(1));
        withGrace.open(sm);
        withGrace.create(TermIndex.valueOf(1, 50), files("a"));
        withGrace.create(TermIndex.valueOf(1, 60), files("a"));
        withGrace.cleanupOldSnapshots(keep(1));
        // Replaced too recently: a transfer may still be reading them.
        assertThat(list(sm)).hasSize(4);
        assertThat(withGrace.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(1, 60));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
