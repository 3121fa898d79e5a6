package io.agentd.cli.output;

import io.agentd.client.api.EventView;

/** One event as one line of text; fixed-width columns, since a stream cannot be measured first. */
public final class EventLine {

  private EventLine() {}

  public static String render(EventView event) {
    return String.format("%-8d %-24s %-18s %-28s %-10s %s", event.revision(), orNone(event.time()),
        orNone(event.type()), subject(event), orNone(event.worker()), orNone(event.detail())).stripTrailing();
  }

  private static String subject(EventView event) {
    if (event.namespace() != null && event.name() != null) {
      return event.namespace() + "/" + event.name();
    }
    return orNone(event.namespace() != null ? event.namespace() : event.name());
  }

  private static String orNone(String value) {
    return value == null ? Table.NONE : value;
  }
}
