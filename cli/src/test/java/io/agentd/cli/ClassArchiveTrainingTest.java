package io.agentd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class ClassArchiveTrainingTest {

  /** A command that fails part-way loads less: the archive would miss what the rest needs. */
  @Test
  void everyTrainingCommandSucceedsAgainstTheCannedAnswersAndPrintsATable() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(ClassArchiveTraining.run(new PrintWriter(out), new PrintWriter(err)))
        .as(err.toString())
        .isEqualTo(Collections.nCopies(ClassArchiveTraining.COMMANDS.size(), 0));
    assertThat(out.toString()).contains("probe", "dev-worker", "Leader:", "\"fencingToken\"");
  }
}
