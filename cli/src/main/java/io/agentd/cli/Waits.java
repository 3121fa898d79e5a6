package io.agentd.cli;

import io.agentd.client.AgentdClient;
import io.agentd.client.ApiReply;
import io.agentd.client.ApiRequest;
import io.agentd.client.ReadOptions;
import java.time.Duration;
import java.util.function.Function;

/**
 * {@code --wait}: re-reads an object with blocking queries (never tight polling) until a
 * condition holds or gives up, or the deadline passes.
 */
final class Waits {

  /** What a check of the object found. */
  enum Verdict { DONE, WAIT, FAILED }

  /** The end of a wait: the last reply seen, and whether it succeeded or timed out. */
  record Outcome<T>(ApiReply<T> last, Verdict verdict, boolean timedOut) {}

  private Waits() {}

  static <T> Outcome<T> until(AgentdClient client, ApiRequest<T> read, Function<T, Verdict> check, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    ApiReply<T> reply = client.send(read);
    for (int round = 0; round < 100_000; round++) {
      Verdict v = check.apply(reply.value());
      if (v != Verdict.WAIT) {
        return new Outcome<>(reply, v, false);
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        return new Outcome<>(reply, Verdict.WAIT, true);
      }
      Duration wait = Duration.ofNanos(Math.min(left, Duration.ofSeconds(30).toNanos()));
      if (wait.toMillis() < 1) {
        wait = Duration.ofMillis(1);
      }
      reply = client.send(read.withRead(ReadOptions.blocking(reply.revision(), wait)));
    }
    return new Outcome<>(reply, Verdict.WAIT, true);
  }
}
