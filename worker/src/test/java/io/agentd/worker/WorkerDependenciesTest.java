package io.agentd.worker;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker is an API client: it reaches the coordinators over the HTTP API alone (the client
 * module), never through Ratis, RocksDB, Netty, the state machine or the daemon. The pom's
 * enforcer rule checks the declared dependencies; this test checks the code and what is really on
 * the classpath (transitive dependencies included).
 */
class WorkerDependenciesTest {
    /** A use of a package the worker must not touch, in an import or written out in full. */
    private static final Pattern FORBIDDEN_CODE = Pattern.compile(
            "\\bio\\.agentd\\.(statemachine|storage|daemon|cli)\\b|\\borg\\.apache\\.ratis\\b|\\borg\\.rocksdb\\b"
                    + "|\\bio\\.netty\\b|\\bcom\\.fasterxml\\.jackson\\.dataformat\\b");

    /** A classpath entry (a jar, or a sibling module's build output) of something the worker must not have. */
    private static final Pattern FORBIDDEN_CLASSPATH = Pattern.compile(
            "ratis-|rocksdbjni|netty-|agentd-(statemachine|storage|daemon|cli)[-.]"
                    + "|[/\\\\](statemachine|storage|daemon|cli)[/\\\\]target[/\\\\]");

    @Test
    void mainSourcesUseNoCoordinatorInternals() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN_CODE.matcher(lines.get(i)).find()) {
                        offences.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void theClasspathHoldsNoCoordinatorInternals() {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        assertThat(entries).as("the test classpath").anyMatch(e -> e.contains("client"));
        assertThat(entries).filteredOn(e -> FORBIDDEN_CLASSPATH.matcher(e).find()).isEmpty();
    }

    @Test
    void theChecksCatchWhatTheyAreFor() {
        assertThat(FORBIDDEN_CODE.matcher("import io.agentd.statemachine.model.Health;").find()).isTrue();
        assertThat(FORBIDDEN_CODE.matcher("if (io.agentd.statemachine.model.Health.known(s)) {").find()).isTrue();
        assertThat(FORBIDDEN_CODE.matcher("import io.agentd.daemon.config.ConfigException;").find()).isTrue();
        assertThat(FORBIDDEN_CODE.matcher("import org.apache.ratis.protocol.RaftPeer;").find()).isTrue();
        assertThat(FORBIDDEN_CODE.matcher("import io.netty.buffer.ByteBuf;").find()).isTrue();
        assertThat(FORBIDDEN_CODE.matcher("import io.agentd.client.AgentdClient;").find()).isFalse();
        assertThat(FORBIDDEN_CLASSPATH.matcher("/m2/org/rocksdb/rocksdbjni/10.10.1/rocksdbjni-10.10.1.jar").find()).isTrue();
        assertThat(FORBIDDEN_CLASSPATH.matcher("/m2/io/netty/netty-buffer/4.2.18.Final/netty-buffer-4.2.18.Final.jar")
                .find()).isTrue();
        assertThat(FORBIDDEN_CLASSPATH.matcher("/src/agentd/statemachine/target/classes").find()).isTrue();
        assertThat(FORBIDDEN_CLASSPATH.matcher("/src/agentd/client/target/classes").find()).isFalse();
        assertThat(FORBIDDEN_CLASSPATH.matcher("/m2/io/agentd/agentd-client/0.1.0-SNAPSHOT/agentd-client-0.1.0-SNAPSHOT.jar")
                .find()).isFalse();
        assertThat(FORBIDDEN_CLASSPATH.matcher("/m2/io/agentd/agentd-cli/0.1.0-SNAPSHOT/agentd-cli-0.1.0-SNAPSHOT.jar")
                .find()).isTrue();
    }
}
