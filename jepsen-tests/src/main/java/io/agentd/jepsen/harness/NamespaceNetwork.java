package io.agentd.jepsen.harness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Hosts in network namespaces {@code ajt-h1..N}, each with one veth on a bridge that lives in a
 * namespace of its own ({@code ajt-br}), so the machine's own network is untouched. The harness
 * (the root namespace) gets a veth on the bridge too, 10.77.0.1, and checks that the route to
 * the hosts goes through it before anything is sent. Faults are iptables DROP rules inside a
 * host's namespace, removed by flushing. Everything made is removed on close, and leftovers of
 * an earlier run are removed before setting up.
 */
public final class NamespaceNetwork implements Network {
    static final String PREFIX = "ajt";
    static final String BRIDGE_NS = PREFIX + "-br";
    static final String ROOT_VETH = PREFIX + "-root";
    static final String SUBNET = "10.77.0.";

    private final int hosts;

    private NamespaceNetwork(int hosts) {
        this.hosts = hosts;
    }

    /** Sets up {@code hosts} namespaces, or returns null (after cleaning up) when it cannot. */
    public static NamespaceNetwork tryCreate(int hosts, StringBuilder why) {
        removeLeftovers();
        NamespaceNetwork n = new NamespaceNetwork(hosts);
        try {
            n.setUp();
            return n;
        } catch (RuntimeException e) {
            why.append(e.getMessage());
            n.close();
            return null;
        }
    }

    static String ns(int host) {
        return PREFIX + "-h" + host;
    }

    @Override
    public String address(int host) {
        return SUBNET + (10 + host);
    }

    private void setUp() {
        if (Shell.run("ip", "route", "show").contains(SUBNET)) {
            throw new IllegalStateException("the host already routes " + SUBNET + "0/24; not touching it");
        }
        Shell.run("ip", "netns", "add", BRIDGE_NS);
        Shell.run("ip", "-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge");
        Shell.run("ip", "-n", BRIDGE_NS, "link", "set", "br0", "up");
        for (int h = 1; h <= hosts; h++) {
            String ns = ns(h);
            String veth = PREFIX + "-v" + h;
            Shell.run("ip", "netns", "add", ns);
            Shell.run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
            Shell.run("ip", "link", "set", veth, "netns", BRIDGE_NS);
            Shell.run("ip", "-n", BRIDGE_NS, "link", "set", veth, "master", "br0", "up");
            Shell.run("ip", "-n", ns, "addr", "add", address(h) + "/24", "dev", "eth0");
            Shell.run("ip", "-n", ns, "link", "set", "eth0", "up");
            Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        Shell.run("ip", "link", "add", ROOT_VETH, "type", "veth", "peer", "name", PREFIX + "-rp", "netns", BRIDGE_NS);
        Shell.run("ip", "-n", BRIDGE_NS, "link", "set", PREFIX + "-rp", "master", "br0", "up");
        Shell.run("ip", "addr", "add", SUBNET + "1/24", "dev", ROOT_VETH);
        Shell.run("ip", "link", "set", ROOT_VETH, "up");
        for (int h = 1; h <= hosts; h++) {
            String route = Shell.run("ip", "route", "get", address(h));
            if (!route.contains("dev " + ROOT_VETH)) {
                throw new IllegalStateException("the route to " + address(h) + " does not go through " + ROOT_VETH
                        + ": " + route.strip());
            }
        }
        // iptables must work inside a namespace, or network faults would silently do nothing.
        Shell.run("ip", "netns", "exec", ns(1), "iptables", "-L", "INPUT", "-n");
    }

    @Override
    public List<String> onHost(int host, List<String> cmd) {
        return Shell.in(ns(host), cmd);
    }

    @Override
    public int port(int host, String role) {
        return switch (role) {
            case "http" -> 7420;
            case "raft" -> 7421;
            case "local" -> 7422;
            default -> throw new IllegalArgumentException(role);
        };
    }

    @Override
    public boolean networkFaults() {
        return true;
    }

    @Override
    public void partition(Collection<Integer> a, Collection<Integer> b) {
        for (int x : a) {
            dropFrom(x, b);
        }
        for (int y : b) {
            dropFrom(y, a);
        }
    }

    @Override
    public void dropFrom(int h, Collection<Integer> from) {
        for (int f : from) {
            Shell.run("ip", "netns", "exec", ns(h), "iptables", "-A", "INPUT", "-s", address(f), "-j", "DROP");
        }
    }

    @Override
    public void heal() {
        for (int h = 1; h <= hosts; h++) {
            Shell.tryRun("ip", "netns", "exec", ns(h), "iptables", "-F", "INPUT");
        }
    }

    @Override
    public String describe() {
        return hosts + " hosts in network namespaces " + ns(1) + ".." + ns(hosts) + " on a bridge in " + BRIDGE_NS
                + " (" + SUBNET + "0/24; the harness at " + SUBNET + "1)";
    }

    @Override
    public void close() {
        removeLeftovers();
    }

    /** Removes every namespace and link this harness makes, whatever state they are in. */
    static void removeLeftovers() {
        String list = Shell.tryRun("ip", "netns", "list").output();
        List<String> mine = new ArrayList<>();
        for (String line : list.split("\n")) {
            String name = line.trim().split(" ")[0];
            if (name.startsWith(PREFIX + "-")) {
                mine.add(name);
            }
        }
        for (String ns : mine) {
            Shell.tryRun("ip", "netns", "pids", ns).output().lines().map(String::trim).filter(s -> !s.isEmpty())
                    .forEach(pid -> Shell.tryRun("kill", "-9", pid));
            Shell.tryRun("ip", "netns", "del", ns);
        }
        Shell.tryRun("ip", "link", "del", ROOT_VETH);
    }
}
