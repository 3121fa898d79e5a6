package io.agentd.client;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a read is answered.
 *
 * @param stale answer from the replica that is asked, at once, instead of a linearizable read
 * @param index for a blocking query: answer once the cluster revision is greater than this
 * @param maxWait for a blocking query: answer after this long at the latest (the server caps it at
 *     5m); {@link Duration#ZERO} when the read does not block
 */
public record ReadOptions(boolean stale, OptionalLong index, Duration maxWait) {

  /** A linearizable read that answers at once. */
  public static final ReadOptions LINEARIZABLE = new ReadOptions(false, OptionalLong.empty(), Duration.ZERO);

  public ReadOptions {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    if (index.isPresent() == maxWait.isZero()) {
      throw new IllegalArgumentException("a blocking query needs both an index and a wait");
    }
  }

  /** A read served by the asked replica at once, possibly behind the leader. */
  public static ReadOptions staleRead() {
    return new ReadOptions(true, OptionalLong.empty(), Duration.ZERO);
  }

  /** A blocking query: answers once the revision is greater than {@code index}, or after {@code wait}. */
  public static ReadOptions blocking(long index, Duration wait) {
    return new ReadOptions(false, OptionalLong.of(index), wait);
  }

  /** The same options, served stale or not. */
  public ReadOptions withStale(boolean stale) {
    return new ReadOptions(stale, index, maxWait);
  }
}
