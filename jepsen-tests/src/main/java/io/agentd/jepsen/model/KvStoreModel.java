package io.agentd.jepsen.model;

import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.KvInput.Append;
import io.agentd.jepsen.model.KvInput.Get;
import io.agentd.jepsen.model.KvInput.Put;
import java.util.List;
import java.util.Optional;

/**
 * A string key-value store: every key holds a string that starts empty; get returns it, put
 * replaces it, append concatenates to it. Keys are independent, so histories are checked per key.
 */
public final class KvStoreModel implements Model<String, KvInput, KvOutput> {
    public static final KvStoreModel INSTANCE = new KvStoreModel();

    private KvStoreModel() {}

    @Override
    public String initialState() {
        return "";
    }

    @Override
    public Optional<String> step(String state, KvInput input, KvOutput output) {
        if (input instanceof Get) {
            if (output == KvOutput.Unknown.UNKNOWN) {
                return Optional.of(state);
            }
            return output instanceof KvOutput.Value got && got.value().equals(state) ? Optional.of(state) : Optional.empty();
        }
        if (output != KvOutput.Done.OK && output != KvOutput.Unknown.UNKNOWN) {
            return Optional.empty();
        }
        if (input instanceof Put put) {
            return Optional.of(put.value());
        }
        return Optional.of(state.concat(((Append) input).value()));
    }

    @Override
    public boolean isReadOnly(KvInput input, KvOutput output) {
        return input instanceof Get;
    }

    @Override
    public KvOutput unknownOutput() {
        return KvOutput.Unknown.UNKNOWN;
    }

    @Override
    public List<Partition<KvInput, KvOutput>> partition(List<Op<KvInput, KvOutput>> history) {
        return Partition.byKey(history, KvInput::key);
    }

    @Override
    public String describeState(String state) {
        return "\"" + state + "\"";
    }

    @Override
    public String toString() {
        return "kv-store";
    }
}
