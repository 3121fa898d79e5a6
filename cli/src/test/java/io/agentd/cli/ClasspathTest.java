package io.agentd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** agentctl must start fast: neither Netty nor Ratis (nor RocksDB) may be on its classpath. */
class ClasspathTest {
  @Test
  void noServerSideLibraryIsOnTheCliClasspath() {
    List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    assertThat(entries).isNotEmpty();
    assertThat(entries).noneMatch(e -> e.contains("netty") || e.contains("ratis") || e.contains("rocksdb"));
    for (String cls : List.of("io.netty.channel.Channel", "org.apache.ratis.server.RaftServer", "org.rocksdb.RocksDB")) {
      assertThat(loadable(cls)).as(cls).isFalse();
    }
    assertThat(loadable("picocli.CommandLine")).as("the check itself can see a real class").isTrue();
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name, false, ClasspathTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
