package io.agentd.client.api;

import java.util.List;

/**
 * The answer of {@code GET /v1/events}.
 *
 * @param events events after the asked revision, oldest first, never {@code null}
 * @param revision the revision the answer is complete up to
 * @param truncated {@code true} when events after the asked revision were already dropped
 *     from the retained window, so the page starts at the oldest kept
 */
public record EventsPage(List<EventView> events, long revision, boolean truncated) {

  public EventsPage {
    events = WireCollections.list(events);
  }
}
