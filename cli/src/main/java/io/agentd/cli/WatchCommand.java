package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.cli.output.EventLine;
import io.agentd.cli.output.Output;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.EventView;
import io.agentd.client.api.EventsPage;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentctl watch}: follows the cluster's events with the long poll of
 * {@code /v1/events}, one held request at a time, never a polling loop.
 */
@Command(name = "watch", description = {
    "Print cluster events as they happen, until interrupted or --count events were printed.",
    "--last N starts with the newest N events already recorded.",
    "With -o json, one JSON object per line."})
final class WatchCommand extends ApiCommand {

  /** How long the server may hold one poll; the API caps waits at 5m. */
  static final Duration POLL_WAIT = Duration.ofSeconds(30);
  /** The shortest time between two polls that found nothing, should a server not hold them. */
  static final Duration MIN_EMPTY_POLL_INTERVAL = Duration.ofSeconds(1);
  static final int PAGE_LIMIT = 1000;

  @Option(names = "--after", paramLabel = "REV",
      description = "Print events after revision REV; 0 starts with the oldest retained event "
          + "(default: the current revision, so only new events).")
  Long after;

  @Option(names = "--last", paramLabel = "N",
      description = "Start with the newest N retained events (1 to 10000), then follow; not with --after.")
  Integer last;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
  Integer count;

  @Override
  protected ExitCode execute() throws InterruptedException {
    if (count != null && count < 1) {
      throw usageError("Invalid value for option '--count': must be at least 1 but was " + count);
    }
    if (after != null && after < 0) {
      throw usageError("Invalid value for option '--after': must be 0 or more but was " + after);
    }
    if (last != null && (last < 1 || last > 10_000)) {
      throw usageError("Invalid value for option '--last': must be between 1 and 10000 but was " + last);
    }
    if (last != null && after != null) {
      throw usageError("--last and --after do not go together: --last starts with the newest events, --after at"
          + " a revision");
    }
    Output output = output();
    int printed = 0;
    long cursor;
    if (last != null) {
      ApiReply<EventsPage> reply = client().send(Api.lastEvents(last));
      printed = print(output, reply, printed);
      cursor = reply.value().revision();
    } else {
      cursor = after != null ? after : client().clusterStatus().revision();
    }
    while (count == null || printed < count) {
      long asked = System.nanoTime();
      ApiReply<EventsPage> reply = client().send(Api.events(cursor, POLL_WAIT, PAGE_LIMIT));
      EventsPage page = reply.value();
      if (page.truncated()) {
        note("events after revision " + cursor + " are no longer retained; continuing with the oldest kept");
      }
      int before = printed;
      printed = print(output, reply, printed);
      for (int i = 0; i < printed - before; i++) {
        cursor = Math.max(cursor, page.events().get(i).revision());
      }
      if (page.events().isEmpty()) {
        // The page covers every revision up to page.revision(), so nothing is skipped.
        cursor = Math.max(cursor, page.revision());
        pauseIfAnsweredEarly(asked);
      }
    }
    return ExitCode.OK;
  }

  /** Prints the page's events while fewer than --count were printed; returns how many are printed now. */
  private int print(Output output, ApiReply<EventsPage> reply, int printed) {
    JsonNode json = reply.json().path("events");
    List<EventView> events = reply.value().events();
    for (int i = 0; i < events.size() && (count == null || printed < count); i++) {
      output.streamItem(json.get(i), EventLine.render(events.get(i)));
      printed++;
    }
    return printed;
  }

  private static void pauseIfAnsweredEarly(long askedNanos) throws InterruptedException {
    long left = MIN_EMPTY_POLL_INTERVAL.toNanos() - (System.nanoTime() - askedNanos);
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }
}
