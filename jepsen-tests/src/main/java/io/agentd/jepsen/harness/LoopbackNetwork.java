package io.agentd.jepsen.harness;

import java.net.ServerSocket;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every host on 127.0.0.1 with ports of its own: process faults only. */
public final class LoopbackNetwork implements Network {
    private final Map<String, Integer> ports = new HashMap<>();

    @Override
    public String address(int host) {
        return "127.0.0.1";
    }

    @Override
    public List<String> onHost(int host, List<String> cmd) {
        return cmd;
    }

    @Override
    public synchronized int port(int host, String role) {
        return ports.computeIfAbsent(host + "/" + role, k -> {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("no free port", e);
            }
        });
    }

    @Override
    public boolean networkFaults() {
        return false;
    }

    @Override
    public void partition(Collection<Integer> a, Collection<Integer> b) {
        throw new UnsupportedOperationException("no network faults on loopback");
    }

    @Override
    public void dropFrom(int h, Collection<Integer> from) {
        throw new UnsupportedOperationException("no network faults on loopback");
    }

    @Override
    public void heal() {
    }

    @Override
    public String describe() {
        return "loopback (no network namespaces: process faults only)";
    }

    @Override
    public void close() {
    }
}
