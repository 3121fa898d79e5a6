package io.agentd.client.api;

/**
 * What a worker's agents in one namespace ask of one provider, and what of it the worker holds
 * now, as its heartbeat reports it. Rates are per minute.
 *
 * @param provider the provider's name
 * @param namespace the namespace of the agents asking
 * @param requestsPerMinute requests asked for, over the last seconds, granted or not
 * @param tokensPerMinute tokens asked for likewise
 * @param concurrent calls in flight or waiting to be
 * @param heldRequestsPerMinute the request rate of the grant the worker enforces now
 * @param heldTokensPerMinute the token rate of that grant ({@code null}: no token limit)
 * @param heldConcurrent the calls in flight that grant allows ({@code null}: no bound)
 * @param usedRequestsPerMinute reservations taken over the last seconds (what the worker's agents
 *     really used; {@code null} from a worker that does not say)
 */
public record ProviderDemand(String provider, String namespace, double requestsPerMinute, double tokensPerMinute,
                             int concurrent, double heldRequestsPerMinute, Double heldTokensPerMinute,
                             Integer heldConcurrent, Double usedRequestsPerMinute) {

  public ProviderDemand(String provider, String namespace, double requestsPerMinute, double tokensPerMinute,
                        int concurrent, double heldRequestsPerMinute, Double heldTokensPerMinute,
                        Integer heldConcurrent) {
    this(provider, namespace, requestsPerMinute, tokensPerMinute, concurrent, heldRequestsPerMinute,
        heldTokensPerMinute, heldConcurrent, null);
  }
}
