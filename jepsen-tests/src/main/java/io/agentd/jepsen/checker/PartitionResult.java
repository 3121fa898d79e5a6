package io.agentd.jepsen.checker;

import io.agentd.jepsen.history.Op;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The check of one independent sub-history.
 *
 * @param name the partition's name (the key, for keyed models)
 * @param ops the partition's ops
 * @param linearization if linearizable, a witness order of all ops; otherwise the longest order of
 *     ops the search managed to linearize (Porcupine's "partial linearization")
 * @param stuckAt if not linearizable, the op whose return the longest partial linearization could
 *     not get past: it, or an op concurrent with it, has an answer no order explains
 * @param stateWhenStuck the model state after the longest partial linearization, described
 * @param gaveUp if the verdict is unknown, why
 */
public record PartitionResult<I, O>(
        String name,
        Verdict verdict,
        List<Op<I, O>> ops,
        List<Op<I, O>> linearization,
        Optional<Op<I, O>> stuckAt,
        Optional<String> stateWhenStuck,
        Optional<GaveUp> gaveUp) {
    public PartitionResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(verdict, "verdict");
        ops = List.copyOf(ops);
        linearization = List.copyOf(linearization);
        Objects.requireNonNull(stuckAt, "stuckAt");
        Objects.requireNonNull(stateWhenStuck, "stateWhenStuck");
        if (gaveUp.isPresent() != (verdict == Verdict.UNKNOWN)) {
            throw new IllegalArgumentException("a reason for giving up goes with an unknown verdict, and only with it");
        }
    }
}
