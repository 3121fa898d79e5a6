package io.agentd.bench;

import io.agentd.client.AgentdClient;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code java -jar bench/target/agentd-bench.jar TOOL [--flag value ...]}; {@code TOOL --help}
 * describes each tool.
 */
public final class Bench {
    private static final String USAGE = """
            usage: java -jar agentd-bench.jar TOOL [--flag value ...]
              heartbeat-load     simulated workers renewing leases at the leader, open loop
              lease-churn        agentd worker renewals against etcd lease keep-alives
              spawn-to-running   spawn sent -> agent process started, with a worker on this host
              failover           SIGKILL a worker, time until its agents run elsewhere
              scale              --mode load: bulk-register agents; --mode probe: get/list latency
              overload           open-loop writes at 1x, 2x, 4x the sustainable rate: admitted, shed (429), other
              reserve-load       run as an agent: reservations on its worker's local API, timed (bench/provider-reserve.sh)
              leader             print the leader's id and HTTP address (--servers URLS [--wait 60s]
                                 [--token-file FILE])
            TOOL --help shows its flags. Every tool takes --token-file FILE: the API token it sends
            (Authorization: Bearer), e.g. the cluster's bootstrap token file; without it, none.
            """;

    private Bench() {
    }

    public static void main(String[] argv) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
            System.out.print(USAGE);
            System.exit(argv.length == 0 ? 2 : 0);
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        int code = switch (argv[0]) {
            case "heartbeat-load" -> HeartbeatLoad.run(rest);
            case "spawn-to-running" -> SpawnToRunning.run(rest);
            case "lease-churn" -> LeaseChurn.run(rest);
            case "failover" -> Failover.run(rest);
            case "scale" -> Scale.run(rest);
            case "overload" -> Overload.run(rest);
            case "reserve-load" -> ReserveLoad.run(rest);
            case "leader" -> leader(rest);
            default -> {
                System.err.println("unknown tool " + argv[0]);
                System.err.print(USAGE);
                yield 2;
            }
        };
        System.exit(code);
    }

    private static int leader(String[] argv) {
        try {
            Args a = Args.parse(argv, Set.of());
            String servers = a.string("servers", null);
            Duration wait = a.duration("wait", "60s");
            String token = Auth.token(a);
            a.finish();
            Leader l = Leader.find(AgentdClient.builder().endpoints(servers).token(token).build(), token, wait);
            System.out.println(l.id() + " " + l.http().getHostString() + ":" + l.http().getPort());
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("leader: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("leader: " + e.getMessage());
            return 1;
        }
    }
}
