package io.agentd.jepsen.model;

import org.junit.jupiter.api.Test;

import static io.agentd.jepsen.Registers.mismatch;
import static io.agentd.jepsen.Registers.ok;
import static io.agentd.jepsen.Registers.unknown;
import static io.agentd.jepsen.Registers.v;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CasRegisterModelTest {
    private static final CasRegisterModel MODEL = CasRegisterModel.INSTANCE;
    private static final RegisterInput.Cas CAS_1_2 = new RegisterInput.Cas("k", v(1), v(2));

    @Test
    void startsAbsentWhichIsNoValue() {
        assertThat(MODEL.initialState()).isEqualTo(RegisterValue.ABSENT);
        assertThat(RegisterValue.ABSENT).isNotEqualTo(RegisterValue.of("")).hasToString("nil");
        assertThatThrownBy(() -> new RegisterValue(false, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void casOutcomes() {
        assertThat(MODEL.step(v(1), CAS_1_2, ok())).contains(v(2));
        assertThat(MODEL.step(v(3), CAS_1_2, ok())).isEmpty();
        assertThat(MODEL.step(v(3), CAS_1_2, mismatch())).contains(v(3));
        assertThat(MODEL.step(v(1), CAS_1_2, mismatch())).isEmpty();
        assertThat(MODEL.step(v(1), CAS_1_2, unknown())).contains(v(2));
        assertThat(MODEL.step(v(3), CAS_1_2, unknown())).contains(v(3));
    }

    @Test
    void readsAndWrites() {
        RegisterInput.Read read = new RegisterInput.Read("k");
        assertThat(MODEL.step(v(1), read, RegisterOutput.read(v(1)))).contains(v(1));
        assertThat(MODEL.step(v(1), read, RegisterOutput.read(RegisterValue.ABSENT))).isEmpty();
        assertThat(MODEL.step(v(1), read, unknown())).contains(v(1));
        assertThat(MODEL.step(v(1), read, ok())).isEmpty();
        assertThat(MODEL.step(v(1), new RegisterInput.Write("k", v(4)), unknown())).contains(v(4));
        assertThat(MODEL.step(v(1), new RegisterInput.Write("k", v(4)), mismatch())).isEmpty();
    }

    @Test
    void readOnlyOpsAreReadsAndMismatchedCas() {
        assertThat(MODEL.isReadOnly(new RegisterInput.Read("k"), unknown())).isTrue();
        assertThat(MODEL.isReadOnly(CAS_1_2, mismatch())).isTrue();
        assertThat(MODEL.isReadOnly(CAS_1_2, unknown())).isFalse();
        assertThat(MODEL.isReadOnly(new RegisterInput.Write("k", v(1)), ok())).isFalse();
    }
}
