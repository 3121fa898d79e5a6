package io.agentd.statemachine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** statemachine/ is the deterministic domain: JDK only, no clock, no randomness. */
class ArchitectureTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "org\\.apache\\.ratis|org\\.rocksdb|io\\.netty|com\\.fasterxml"
                    + "|System\\.currentTimeMillis|System\\.nanoTime|Instant\\.now|LocalDateTime\\.now|Clock\\."
                    + "|new Random|Random\\(|ThreadLocalRandom|SecureRandom|UUID\\.randomUUID|Math\\.random"
                    + "|\\bHashSet\\b.*\\bfor\\b|parallelStream");

    @Test
    void mainSourcesUseNoClockRandomnessOrInfrastructure() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) {
                        offences.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void theCheckItselfCatchesAClockRead() {
        assertThat(FORBIDDEN.matcher("long t = System.currentTimeMillis();").find()).isTrue();
        assertThat(FORBIDDEN.matcher("import org.rocksdb.RocksDB;").find()).isTrue();
    }
}
