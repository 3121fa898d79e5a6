package io.agentd.jepsen.harness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where the nodes live and how the network between them is broken. Two kinds: hosts in network
 * namespaces joined by a bridge (every fault), or loopback (process faults only).
 */
public interface Network extends AutoCloseable {
    /** The address host {@code i} (1-based) listens on. */
    String address(int host);

    /** {@code cmd} prefixed to run on host {@code i}. */
    List<String> onHost(int host, List<String> cmd);

    /** A port that is free on host {@code i} for the given role ({@code http}, {@code raft}, {@code local}). */
    int port(int host, String role);

    boolean networkFaults();

    /** Drops all traffic between the two groups of hosts (both ways), until {@link #heal}. */
    void partition(Collection<Integer> a, Collection<Integer> b);

    /** Drops everything host {@code h} receives from the given hosts (one way), until {@link #heal}. */
    void dropFrom(int h, Collection<Integer> from);

    /** Removes every drop rule. */
    void heal();

    /** What the network is, for the run's summary. */
    String describe();

    @Override
    void close();

    /** Hosts 1..n as a list. */
    static List<Integer> hosts(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }
}
