package io.agentd.client.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to a worker's lease renewal.
 *
 * @param worker the worker's id
 * @param state the worker's state ({@code ready} or {@code draining})
 * @param leaseTtlMs how long the lease lasts, counted by the worker from when it sent the renewal
 * @param revision the cluster revision the leader had applied when it renewed the lease
 * @param grants the worker's shares of the providers' limits, valid as long as the lease (left
 *     out when there are none), never {@code null}
 */
public record HeartbeatView(String worker, String state, long leaseTtlMs, long revision,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ProviderGrant> grants) {

  public HeartbeatView {
    grants = WireCollections.list(grants);
  }

  public HeartbeatView(String worker, String state, long leaseTtlMs, long revision) {
    this(worker, state, leaseTtlMs, revision, List.of());
  }
}
