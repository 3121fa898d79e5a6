package io.agentd.jepsen.model;

import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.RegisterInput.Cas;
import io.agentd.jepsen.model.RegisterInput.Read;
import io.agentd.jepsen.model.RegisterInput.Write;
import io.agentd.jepsen.model.RegisterOutput.CasMismatch;
import io.agentd.jepsen.model.RegisterOutput.Done;
import io.agentd.jepsen.model.RegisterOutput.ReadValue;
import io.agentd.jepsen.model.RegisterOutput.Unknown;
import java.util.List;
import java.util.Optional;

/**
 * Registers with read, write and compare-and-set, one per key, each starting absent. Keys are
 * independent, so histories are checked per key.
 */
public final class CasRegisterModel implements Model<RegisterValue, RegisterInput, RegisterOutput> {
    public static final CasRegisterModel INSTANCE = new CasRegisterModel();

    private CasRegisterModel() {}

    @Override
    public RegisterValue initialState() {
        return RegisterValue.ABSENT;
    }

    @Override
    public Optional<RegisterValue> step(RegisterValue state, RegisterInput input, RegisterOutput output) {
        if (input instanceof Read) {
            if (output == Unknown.UNKNOWN) {
                return Optional.of(state);
            }
            return output instanceof ReadValue read && read.value().equals(state) ? Optional.of(state) : Optional.empty();
        }
        if (input instanceof Write write) {
            return output == Done.OK || output == Unknown.UNKNOWN ? Optional.of(write.value()) : Optional.empty();
        }
        Cas cas = (Cas) input;
        boolean matches = cas.expected().equals(state);
        if (output == Done.OK) {
            return matches ? Optional.of(cas.replacement()) : Optional.empty();
        }
        if (output == CasMismatch.MISMATCH) {
            return matches ? Optional.empty() : Optional.of(state);
        }
        if (output == Unknown.UNKNOWN) {
            return Optional.of(matches ? cas.replacement() : state);
        }
        return Optional.empty();
    }

    @Override
    public boolean isReadOnly(RegisterInput input, RegisterOutput output) {
        // An unknown cas is not: it writes when it matches.
        return input instanceof Read || output == CasMismatch.MISMATCH;
    }

    @Override
    public RegisterOutput unknownOutput() {
        return Unknown.UNKNOWN;
    }

    @Override
    public List<Partition<RegisterInput, RegisterOutput>> partition(List<Op<RegisterInput, RegisterOutput>> history) {
        return Partition.byKey(history, RegisterInput::key);
    }

    @Override
    public String toString() {
        return "cas-register";
    }
}
