package io.agentd.daemon.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The build of the release a rolling upgrade starts from: the commit named in
 * {@code upgrade/previous-release}, taken from this repository's history with {@code git archive}
 * and packaged with Maven once into {@code target/previous-release/COMMIT} (kept between runs).
 */
final class PreviousRelease {
    private PreviousRelease() {
    }

    /** The commit of the previous release. */
    static String commit() throws IOException {
        try (InputStream in = PreviousRelease.class.getClassLoader().getResourceAsStream("upgrade/previous-release")) {
            if (in == null) {
                throw new IllegalStateException("no upgrade/previous-release resource");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow().split(" ")[0];
        }
    }

    /** The classpath that runs the previous release's {@code agentd}; builds it when not built yet. */
    static synchronized String classpath() throws IOException, InterruptedException {
        String commit = commit();
        Path dir = Path.of("target", "previous-release", commit).toAbsolutePath();
        Path jar = dir.resolve("daemon/target/agentd-daemon.jar");
        Path done = dir.resolve(".built");
        if (Files.exists(done) && Files.exists(jar)) {
            return jar.toString();
        }
        String root = run(Path.of("."), 30, "git", "rev-parse", "--show-toplevel").trim();
        if (!run(Path.of(root), 30, "git", "cat-file", "-t", commit).trim().equals("commit")) {
            throw new IllegalStateException("commit " + commit + " is not in this clone's history");
        }
        deleteTree(dir);
        Files.createDirectories(dir);
        run(dir, 120, "bash", "-c", "git -C '" + root + "' archive " + commit + " | tar -x -C '" + dir + "'");
        // package, never install: the local repository keeps this build's modules.
        run(dir, 900, "mvn", "-B", "-q", "-ntp", "-DskipTests", "-Dmaven.javadoc.skip=true", "-pl", "daemon", "-am",
                "package");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the previous release's build made no " + jar);
        }
        Files.createFile(done);
        return jar.toString();
    }

    private static String run(Path dir, long seconds, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("previous-release", ".log");
        try {
            Process p = new ProcessBuilder(List.of(cmd)).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " ran past " + seconds + " s");
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n"
                        + (text.length() > 10_000 ? text.substring(text.length() - 10_000) : text)
                        + (cmd[0].equals("git") ? "\n(the previous release is built from this repository's history:"
                        + " a shallow clone lacks it; git fetch --unshallow)" : ""));
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
