package io.agentd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentd.cli.output.Table;
import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void columnsStartAtTheSameOffsetOnEveryLine() {
    String text = new Table("NAME", "STATE", "WORKER")
        .row("a", "running", "w1")
        .row("a-much-longer-name", "pending", null)
        .render();

    assertThat(text).isEqualTo("""
        NAME                 STATE     WORKER
        a                    running   w1
        a-much-longer-name   pending   -
        """);
  }
}
