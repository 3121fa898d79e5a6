package io.agentd.jepsen.checker;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The check of a whole history: the combined verdict and each partition's result. */
public record CheckResult<I, O>(Verdict verdict, List<PartitionResult<I, O>> partitions, Duration elapsed) {
    public CheckResult {
        Objects.requireNonNull(verdict, "verdict");
        partitions = List.copyOf(partitions);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    public List<PartitionResult<I, O>> failures() {
        return partitions.stream().filter(p -> p.verdict() == Verdict.NOT_LINEARIZABLE).toList();
    }

    public Optional<PartitionResult<I, O>> firstFailure() {
        return failures().stream().findFirst();
    }
}
