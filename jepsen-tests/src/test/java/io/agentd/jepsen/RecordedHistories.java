package io.agentd.jepsen;

import io.agentd.jepsen.checker.Verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The recorded histories under src/test/resources/histories and their verdicts from EXPECTED. */
public final class RecordedHistories {
    public record Expected(String name, Path file, Verdict verdict) {
        @Override
        public String toString() {
            return name + " " + (verdict == Verdict.LINEARIZABLE ? "ok" : "bad");
        }
    }

    private RecordedHistories() {
    }

    public static Path directory() {
        URL expected = RecordedHistories.class.getResource("/histories/EXPECTED");
        if (expected == null) {
            throw new IllegalStateException("histories/EXPECTED is not on the test classpath");
        }
        try {
            return Path.of(expected.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Expected> all() {
        Path dir = directory();
        try {
            return Files.readAllLines(dir.resolve("EXPECTED")).stream()
                    .filter(line -> !line.isBlank())
                    .map(line -> {
                        String[] parts = line.trim().split("\\s+");
                        if (parts.length != 2 || !(parts[1].equals("ok") || parts[1].equals("bad"))) {
                            throw new IllegalStateException("EXPECTED: bad line " + line);
                        }
                        return new Expected(parts[0], dir.resolve(parts[0]),
                                parts[1].equals("ok") ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path file(String name) {
        return directory().resolve(name);
    }
}
