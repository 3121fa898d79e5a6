package io.agentd.daemon;

import io.agentd.config.ConfigException;
import io.agentd.daemon.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code agentd dev}: a one-node group and one worker in one process, on loopback, auth off. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run a one-node group on loopback with auth off; data kept in --data-dir (default ./agentd-data).")
final class DevCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (keys as the flags without --); the environment and flags override it")
    Path configFile;

    @Override
    public Integer call() {
        ServerConfig c;
        try {
            c = KeyOptions.bind(spec, configFile, ServerConfig.DEV);
            if (c.peers.size() > 1) {
                throw new ConfigException("peers", "peers: dev mode runs a single node");
            }
            if (!c.insecure) {
                throw new ConfigException("insecure", "insecure: dev mode runs with auth off; for tokens run agentd"
                        + " server");
            }
            if (c.tls()) {
                throw new ConfigException("tls-cert", "tls-cert: dev mode serves plain HTTP on loopback; TLS is for"
                        + " agentd server");
            }
            requireLoopback("http-addr", c.httpAddr.host());
            requireLoopback("raft-addr", c.raftAddr.host());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("agentd: bad config: " + e.getMessage());
            return 2;
        }
        return CoordinatorRun.run(spec, c, true);
    }

    private static void requireLoopback(String key, String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new ConfigException(key, key + ": dev mode has auth off and binds to loopback only, not " + host);
            }
        } catch (UnknownHostException e) {
            throw new ConfigException(key, key + ": unknown host " + host);
        }
    }
}
