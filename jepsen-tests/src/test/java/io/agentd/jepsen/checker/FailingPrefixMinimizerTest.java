package io.agentd.jepsen.checker;

import io.agentd.jepsen.checker.FailingPrefixMinimizer.FailingPrefix;
import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.CasRegisterModel;
import io.agentd.jepsen.model.Partition;
import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterOutput;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.agentd.jepsen.Registers.END;
import static io.agentd.jepsen.Registers.read;
import static io.agentd.jepsen.Registers.v;
import static io.agentd.jepsen.Registers.write;
import static org.assertj.core.api.Assertions.assertThat;

class FailingPrefixMinimizerTest {
    private static final CasRegisterModel MODEL = CasRegisterModel.INSTANCE;

    @Test
    void cutsAfterTheFirstReturnThatCannotBeExplained() {
        List<Op<RegisterInput, RegisterOutput>> history = List.of(
                write(0, 1, 2, 1),
                write(1, 3, 9, 2),          // still running at the failing read's return
                read(2, 4, 5, v(1)),
                read(2, 6, 7, v(3)),        // nothing wrote 3: fails here
                write(0, 8, 10, 3),
                read(2, 11, 12, v(3)));
        FailingPrefix<RegisterInput, RegisterOutput> prefix = FailingPrefixMinimizer.shortestFailingPrefix(
                MODEL, new Partition<>("k", history), CheckOptions.defaults());
        assertThat(prefix.minimal()).isTrue();
        assertThat(prefix.returns()).isEqualTo(3);
        assertThat(prefix.ops()).containsExactly(
                write(0, 1, 2, 1),
                write(1, 3, 9, 2).withOutput(RegisterOutput.Unknown.UNKNOWN, END),
                read(2, 4, 5, v(1)),
                read(2, 6, 7, v(3)));
        assertThat(LinearizabilityChecker.check(MODEL, prefix.ops()).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void opsRunningAtTheCutMayOrMayNotHaveHappened() {
        // The write of 2 returns after the cut; in the prefix it becomes unknown, so the read of 2
        // is explained and the prefix cut there is linearizable; the failure is the read of 1 later.
        List<Op<RegisterInput, RegisterOutput>> history = List.of(
                write(0, 1, 2, 1),
                write(1, 3, 20, 2),
                read(2, 4, 5, v(2)),
                read(2, 6, 7, v(1)));
        FailingPrefix<RegisterInput, RegisterOutput> prefix = FailingPrefixMinimizer.shortestFailingPrefix(
                MODEL, new Partition<>("k", history), CheckOptions.defaults());
        assertThat(prefix.returns()).isEqualTo(3);
        assertThat(prefix.ops()).hasSize(4);
    }
}
