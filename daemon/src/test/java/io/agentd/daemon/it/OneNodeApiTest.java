package io.agentd.daemon.it;

import io.agentd.daemon.CoordinatorNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * A one-node coordinator in this JVM, started before a test class's first test and closed after
 * its last, with an HTTP client for its API. A subclass's own {@code @BeforeAll} runs after the
 * node is up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneNodeApiTest {
    /** Static: JUnit fills a static field before {@code @BeforeAll}, once per test class. */
    @TempDir
    static Path dir;
    CoordinatorNode node;
    Http http;

    @BeforeAll
    void startNode() throws Exception {
        node = DevNode.start(dir);
        http = new Http(DevNode.url(node));
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }
}
