package io.agentd.daemon.api;

import io.agentd.daemon.config.RequestRate;
import io.agentd.daemon.coordinator.DiskAlarm;

import java.time.Duration;
import java.util.Map;

/**
 * What bounds the API's work on one server: the requests it holds ({@code max-inflight-requests},
 * {@link Admission}), how long its writes wait ({@code write-delay-target}), each token's rate ({@code token-rate-limit}, {@code token-rate-burst}) and
 * the cluster's free-space alarm, under which writes that add data are refused.
 */
public record ApiLimits(int maxInflightRequests, Duration writeDelayTarget, Map<String, RequestRate> tokenRates, Duration tokenBurst,
                        DiskAlarm disk) {
    public ApiLimits {
        tokenRates = Map.copyOf(tokenRates);
    }
}
