package io.agentd.packaging;

import io.agentd.cli.Agentctl;
import io.agentd.config.ConfigKey;
import io.agentd.daemon.config.ServerConfig;
import io.agentd.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.AutoComplete;

/**
 * Lays out the installed tree that the .deb and the tarball both hold, under a staging
 * directory: the launchers, the jars, the shipped configuration (every key, commented, with its
 * default and meaning; the few an installed server needs set), the systemd units, the man pages
 * (gzipped), bash and zsh completion, and /usr/share/doc/agentd.
 *
 * <p>{@code java io.agentd.packaging.Stage STAGE_DIR CONTROL_DIR REPO_ROOT VERSION}: REPO_ROOT is
 * the source tree whose daemon/, cli/ and man/ have been built; CONTROL_DIR gets the .deb's
 * control files with the Debian version ({@link #debianVersion}) filled in.
 */
public final class Stage {
    /** Where a packaged server and worker keep their data (systemd's StateDirectory=agentd). */
    static final String STATE = "/var/lib/agentd";

    private Stage() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: Stage STAGE_DIR CONTROL_DIR REPO_ROOT VERSION");
        }
        String version = debianVersion(args[3]);
        String date = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).format(
                java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ROOT));
        stage(Path.of(args[0]), Path.of(args[2]), version, date);
        control(Path.of(args[1]), Path.of(args[2]), version);
    }

    /** Maven's version as Debian's: {@code 0.1.0-SNAPSHOT} sorts before {@code 0.1.0} as {@code 0.1.0~SNAPSHOT}. */
    static String debianVersion(String mavenVersion) {
        return mavenVersion.replace('-', '~');
    }

    /** The control files, with {@code @VERSION@} filled in and the scripts executable. */
    static void control(Path into, Path repo, String version) throws IOException {
        clear(into);
        try (Stream<Path> files = Files.list(repo.resolve("packaging/src/deb/control"))) {
            for (Path f : files.sorted().toList()) {
                Path to = into.resolve(f.getFileName());
                write(to, Files.readString(f).replace("@VERSION@", version));
                if (Files.isExecutable(f)) {
                    to.toFile().setExecutable(true, false);
                }
            }
        }
    }

    private static void clear(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static void stage(Path stage, Path repo, String version, String date) throws IOException {
        clear(stage);
        Path pkg = repo.resolve("packaging/src");
        copy(pkg.resolve("launchers/agentd"), stage.resolve("usr/bin/agentd"));
        copy(pkg.resolve("launchers/agentctl"), stage.resolve("usr/bin/agentctl"));
        copyJars(repo.resolve("daemon/target"), "agentd-daemon.jar", stage.resolve("usr/share/agentd/daemon"));
        copyJars(repo.resolve("cli/target"), "agentctl.jar", stage.resolve("usr/share/agentd/cli"));
        write(stage.resolve("etc/agentd/agentd.yaml"), serverYaml());
        write(stage.resolve("etc/agentd/worker.yaml"), workerYaml());
        for (String unit : List.of("agentd-server.service", "agentd-worker.service")) {
            copy(pkg.resolve("systemd/" + unit), stage.resolve("lib/systemd/system/" + unit));
        }
        for (String page : List.of("agentctl.1", "agentd.8", "agentd.yaml.5")) {
            String section = page.substring(page.lastIndexOf('.') + 1);
            gzip(Files.readAllBytes(repo.resolve("man/target/man/" + page)),
                    stage.resolve("usr/share/man/man" + section + "/" + page + ".gz"));
        }
        write(stage.resolve("usr/share/bash-completion/completions/agentctl"), bashCompletion());
        write(stage.resolve("usr/share/zsh/vendor-completions/_agentctl"), zshCompletion());
        copy(pkg.resolve("deb/copyright"), stage.resolve("usr/share/doc/agentd/copyright"));
        gzip(changelog(version, date).getBytes(StandardCharsets.UTF_8),
                stage.resolve("usr/share/doc/agentd/changelog.gz"));
        Files.createDirectories(stage.resolve("var/cache/agentd"));
    }

    // ------------------------------------------------------------------ configuration

    /** The shipped agentd.yaml: the keys an installed server needs, then every key commented out. */
    static String serverYaml() {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("data-dir", STATE + "/server");
        return yaml("agentd server", "agentd.yaml", ServerConfig.SERVER.keys(), set, List.of(
                "A one-node group on this machine until peers are set: for a three-member group, give each",
                "server its own node-id, the same peers (node-id=HOST:PORT of each one's raft-addr) and",
                "peer-http, and addresses the others can reach. Authentication is on: the first leader",
                "writes the first admin token's secret to " + STATE + "/server/bootstrap-token (see",
                "bootstrap-token-file to choose it instead)."));
    }

    /** The shipped worker.yaml. */
    static String workerYaml() {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("data-dir", STATE + "/worker");
        set.put("servers", "[\"http://127.0.0.1:7420\"]");
        return yaml("agentd worker", "worker.yaml", WorkerConfig.BINDER.keys(), set, List.of(
                "A worker needs its own token: agentctl token create --role worker --worker-id ID, its",
                "secret in a file only user agentd can read, named by token-file below."));
    }

    private static String yaml(String who, String file, List<ConfigKey> keys, Map<String, String> set,
                               List<String> intro) {
        StringBuilder b = new StringBuilder();
        b.append("# /etc/agentd/").append(file).append(": the settings of ").append(who)
                .append(" (man 5 agentd.yaml).\n");
        b.append("# Every key is also a flag (--KEY VALUE) and an environment variable; a flag wins over\n");
        b.append("# the variable, which wins over this file. A commented key shows its default.\n#\n");
        intro.forEach(line -> b.append("# ").append(line).append('\n'));
        b.append('\n');
        set.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        b.append('\n');
        for (ConfigKey k : keys) {
            if (set.containsKey(k.name())) {
                continue;
            }
            String text = k.description() + " (" + k.env() + ")"
                    + (k.defaultIsText() ? "; default: " + k.defaultValue() : "");
            for (String line : wrap(text, 96)) {
                b.append("# ").append(line).append('\n');
            }
            b.append("#").append(k.name()).append(':').append(yamlValue(k)).append("\n\n");
        }
        return b.toString();
    }

    /** A key's default as YAML after "key:" (with its leading space), or "" when it has none. */
    static String yamlValue(ConfigKey k) {
        String d = k.defaultValue();
        if (d.isEmpty() || k.defaultIsText()) {
            return "";
        }
        return switch (k.kind()) {
            case VALUE -> " " + d;
            case LIST -> " [" + String.join(", ", d.split(",")) + "]";
            case MAP -> " {" + String.join(", ", java.util.Arrays.stream(d.split(","))
                    .map(pair -> pair.replaceFirst("=", ": ")).toList()) + "}";
        };
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    // ------------------------------------------------------------------ completion, doc

    /** picocli's bash completion script, without its #! line (a completion file is sourced, not run). */
    static String bashCompletion() {
        PrintWriter discard = new PrintWriter(new StringWriter());
        String script = AutoComplete.bash("agentctl", Agentctl.newCommandLine(discard, discard, Map.of()));
        return script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
    }

    /** zsh runs the bash script through its bash completion emulation. */
    static String zshCompletion() {
        return "#compdef agentctl\n"
                + "# agentctl's completion is written for bash; zsh runs it through bashcompinit.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + "source /usr/share/bash-completion/completions/agentctl\n";
    }

    /** A Debian changelog entry for this build (a native package: its upstream's history is in git). */
    static String changelog(String version, String date) {
        return "agentd (" + version + ") unstable; urgency=medium\n\n"
                + "  * Built from the agentd source tree; its history is the git log.\n\n"
                + " -- agentd maintainers <maintainers@agentd.example.org>  " + date + "\n";
    }

    // ------------------------------------------------------------------ files

    private static void copyJars(Path target, String jar, Path into) throws IOException {
        copy(target.resolve(jar), into.resolve(jar));
        try (Stream<Path> libs = Files.list(target.resolve("lib"))) {
            for (Path lib : libs.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                copy(lib, into.resolve("lib").resolve(lib.getFileName()));
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) {
            throw new IOException(from + " is missing: build daemon, cli and man first (mvn install)");
        }
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void write(Path to, String text) throws IOException {
        Files.createDirectories(to.getParent());
        Files.writeString(to, text);
    }

    /**
     * gzip -9n: maximum compression, said so in the header (lintian checks), and no name and no
     * time in it, so the bytes depend on the content only. GZIPOutputStream cannot say -9 in its
     * header, so the member is written here around a raw deflate stream.
     */
    static void gzip(byte[] content, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3}); // deflate, no flags, no time, -9, Unix
        deflater.setInput(content);
        deflater.finish();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        java.nio.ByteBuffer trailer = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt(content.length);
        out.write(trailer.array());
        Files.write(to, out.toByteArray());
    }
}
