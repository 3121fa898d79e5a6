package io.agentd.man;

import io.agentd.cli.Agentctl;
import io.agentd.client.BuildInfo;
import io.agentd.config.ConfigKey;
import io.agentd.daemon.Agentd;
import io.agentd.daemon.config.ServerConfig;
import io.agentd.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The man pages, made from the code they describe so that they cannot drift from it:
 * {@code agentctl(1)} and {@code agentd(8)} from the picocli models of the two command lines
 * (every command, option and argument, with the texts {@code --help} shows), and
 * {@code agentd.yaml(5)} from the servers' and workers' configuration keys. Written as man(7)
 * roff ({@link Roff}).
 *
 * <p>{@code java io.agentd.man.ManPages OUT_DIR DATE} writes {@code agentctl.1}, {@code agentd.8}
 * and {@code agentd.yaml.5} into OUT_DIR; DATE (YYYY-MM-DD) goes into each page's header.
 */
public final class ManPages {
    static final String MANUAL = "agentd manual";

    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ManPages OUT_DIR DATE");
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (Map.Entry<String, String> page : pages(args[1]).entrySet()) {
            Files.writeString(dir.resolve(page.getKey()), page.getValue());
        }
    }

    /** File name to page. */
    static Map<String, String> pages(String date) {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("agentctl.1", agentctl(date));
        pages.put("agentd.8", agentd(date));
        pages.put("agentd.yaml.5", agentdYaml(date));
        return pages;
    }

    // ------------------------------------------------------------------ agentctl(1)

    static CommandSpec agentctlSpec() {
        PrintWriter discard = new PrintWriter(new StringWriter());
        return Agentctl.newCommandLine(discard, discard, Map.of()).getCommandSpec();
    }

    static String agentctl(String date) {
        CommandSpec root = agentctlSpec();
        Roff r = new Roff("agentctl", 1, date, "agentctl " + BuildInfo.version(), MANUAL);
        r.section("Name").paragraph("agentctl - " + lowerFirst(stripDot(String.join(" ", root.usageMessage().description()))));
        r.section("Synopsis").boldThen("agentctl", "[GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGUMENTS]");
        r.section("Description")
                .paragraph("agentctl is the operator's tool for an agentd cluster: it creates, inspects, moves and stops "
                        + "agents, manages namespaces, quotas, workers, tokens and the coordinators' Raft group, and "
                        + "follows the cluster's events. It speaks the cluster's HTTP/JSON API, tries the endpoints "
                        + "of --addr in turn, and follows a follower's redirect to the leader.")
                .paragraph("Every command prints a table by default; -o json and -o yaml print the API's answer as it "
                        + "came, -o wide a table with more columns. The global options may come before or after "
                        + "the command's name. Errors go to standard error as one line starting with \"agentctl:\", "
                        + "and the exit status says what kind of error it was (EXIT STATUS).");
        r.section("Global options");
        Set<OptionSpec> global = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (OptionSpec o : root.options()) {
            global.add(o);
            option(r, o);
        }
        r.section("Commands");
        for (CommandSpec command : commands(root)) {
            r.subsection(command.qualifiedName(" "));
            r.boldThen(command.qualifiedName(" "), synopsisArguments(command, o -> !isGlobal(o, root), ""));
            r.paragraph(text(command.usageMessage().description()));
            for (PositionalParamSpec p : command.positionalParameters()) {
                if (!p.hidden()) {
                    r.tagged(p.paramLabel(), text(p.renderedDescription()));
                }
            }
            for (OptionSpec o : command.options()) {
                if (!o.hidden() && !isGlobal(o, root) && !o.usageHelp() && !o.versionHelp()) {
                    option(r, o);
                }
            }
        }
        r.section("Exit status");
        Agentctl.exitCodes().forEach((code, meaning) -> r.tagged(Integer.toString(code), upperFirst(meaning) + "."));
        r.section("Environment");
        Agentctl.environmentVariables().forEach((variable, what) -> r.tagged(variable, upperFirst(what) + "."));
        r.paragraph("An option given on the command line wins over its variable.");
        r.section("Files");
        r.tagged("/usr/share/bash-completion/completions/agentctl",
                "Completion for bash, as agentctl completion bash prints it.");
        r.tagged("/etc/agentd/admin.token",
                "Where agentd's package suggests keeping the bootstrap admin token (agentd server "
                        + "--bootstrap-token-file); give it to agentctl with --token-file or AGENTCTL_TOKEN_FILE. Keep "
                        + "it readable by its owner only.");
        r.section("Examples");
        r.paragraph("Point agentctl at a cluster once, with a token kept out of the process list:");
        r.example(List.of(
                "export AGENTCTL_ADDR=https://10.0.0.1:7420,https://10.0.0.2:7420",
                "export AGENTCTL_CACERT=/etc/agentd/tls/ca.pem",
                "export AGENTCTL_TOKEN_FILE=$HOME/.agentd-token"));
        r.paragraph("Start an agent, wait until it runs, then look at it and its output:");
        r.example(List.of(
                "agentctl spawn summarizer --cmd python3 --arg agent.py --slots 2 --wait",
                "agentctl describe summarizer",
                "agentctl logs summarizer --follow"));
        r.paragraph("Take a worker out of service for maintenance and bring it back:");
        r.example(List.of(
                "agentctl worker drain w3 --wait",
                "agentctl worker undrain w3"));
        r.paragraph("In a script: the exit status tells a missing agent from an unreachable cluster:");
        r.example(List.of(
                "agentctl get summarizer -o json >/dev/null",
                "case $? in 0) echo present ;; 3) echo absent ;; *) echo \"no answer\" ;; esac"));
        r.paragraph("Check the coordinators and back the registry up:");
        r.example(List.of(
                "agentctl cluster health",
                "agentctl cluster snapshot save /var/backups/agentd-$(date +%F).snap"));
        r.section("See also");
        r.paragraph("agentd(8), agentd.yaml(5). The HTTP API every command uses is described in docs/api.md of "
                + "agentd's source and, once installed, under /usr/share/doc/agentd.");
        return r.toString();
    }

    // ------------------------------------------------------------------ agentd(8)

    static CommandSpec agentdSpec() {
        return Agentd.newCommandLine().getCommandSpec();
    }

    static String agentd(String date) {
        CommandSpec root = agentdSpec();
        Roff r = new Roff("agentd", 8, date, "agentd " + BuildInfo.version(), MANUAL);
        r.section("Name").paragraph("agentd - " + lowerFirst(stripDot(String.join(" ", root.usageMessage().description()))));
        r.section("Synopsis");
        for (CommandSpec command : commands(root)) {
            if (command.subcommands().isEmpty()) {
                r.boldThen(command.qualifiedName(" "), agentdSynopsis(command));
            }
        }
        r.section("Description")
                .paragraph("agentd runs the parts of an agentd cluster. agentd server runs one coordinator: a member "
                        + "of the Raft group that holds the agent registry, quotas, tokens and every placement "
                        + "decision, and serves the HTTP API agentctl(1) uses. agentd worker runs agents as "
                        + "supervised processes under a lease from the coordinators and stops them when it loses "
                        + "the lease, so that no agent runs on two workers at once. agentd dev runs one "
                        + "coordinator and one worker in one process on loopback, with authentication off, for a "
                        + "first try.")
                .paragraph("Every key of agentd.yaml(5) is also a flag of the command it belongs to (--KEY VALUE) "
                        + "and an environment variable (AGENTD_ and the key in upper case, '-' as '_'); a flag "
                        + "wins over the variable, which wins over the file. Those flags are listed in "
                        + "agentd.yaml(5), not here.");
        r.section("Commands");
        for (CommandSpec command : commands(root)) {
            r.subsection(command.qualifiedName(" "));
            Set<String> keys = keyFlags(command);
            r.boldThen(command.qualifiedName(" "), agentdSynopsis(command));
            r.paragraph(text(command.usageMessage().description()));
            for (PositionalParamSpec p : command.positionalParameters()) {
                if (!p.hidden()) {
                    r.tagged(p.paramLabel(), text(p.renderedDescription()));
                }
            }
            for (OptionSpec o : command.options()) {
                if (!o.hidden() && !o.usageHelp() && !o.versionHelp() && !keys.contains(o.longestName())) {
                    option(r, o);
                }
            }
        }
        r.section("Signals");
        r.tagged("SIGTERM, SIGINT", "A server steps down and stops; a worker stops or drains its agents as "
                + "on-sigterm says (agentd.yaml(5)) and then exits.");
        r.tagged("SIGHUP", "A server reads its TLS certificate, key and CAs again (tls-cert, tls-key, tls-ca, "
                + "tls-client-ca) and uses them for new connections.");
        r.section("Exit status");
        r.tagged("0", "Stopped as asked.");
        r.tagged("1", "Failed: the reason is the last line of the log.");
        r.tagged("2", "A usage or configuration error: a bad flag, key or value, named in the message.");
        r.section("Environment");
        r.tagged("AGENTD_*", "A configuration key of the command run, upper case, '-' as '_' (AGENTD_DATA_DIR, "
                + "AGENTD_SERVERS); agentd.yaml(5) names each one.");
        r.tagged("AGENTD_JAVA_OPTS", "Options for the JVM, instead of the launcher's defaults.");
        r.section("Files");
        r.tagged("/etc/agentd/agentd.yaml", "A server's configuration (agentd server --config).");
        r.tagged("/etc/agentd/worker.yaml", "A worker's configuration (agentd worker --config).");
        r.tagged("/var/lib/agentd", "The data directory: the Raft log, snapshots and the state store of a "
                + "server; a worker's agent logs and working directories.");
        r.section("Examples");
        r.paragraph("Try everything in one process on loopback:");
        r.example(List.of("agentd dev"));
        r.paragraph("Make certificates for three servers, then start the first of them:");
        r.example(List.of(
                "agentd tls init --dir /etc/agentd/tls --servers n1,n2,n3",
                "agentd server --config /etc/agentd/agentd.yaml --node-id n1"));
        r.section("See also");
        r.paragraph("agentctl(1), agentd.yaml(5), systemd.service(5).");
        return r.toString();
    }

    /** The flags a command has for configuration keys: a server's (server, dev) or a worker's. */
    private static Set<String> keyFlags(CommandSpec command) {
        List<ConfigKey> keys = switch (command.qualifiedName(" ")) {
            case "agentd server", "agentd dev" -> serverKeys();
            case "agentd worker" -> workerKeys();
            default -> List.of();
        };
        Set<String> flags = new java.util.HashSet<>();
        keys.forEach(k -> flags.add("--" + k.name()));
        return flags;
    }

    /** A synopsis with the configuration keys' flags summed up as one. */
    private static String agentdSynopsis(CommandSpec command) {
        Set<String> keys = keyFlags(command);
        return synopsisArguments(command, o -> !keys.contains(o.longestName()), keys.isEmpty() ? "" : "[--KEY=VALUE]...");
    }

    // ------------------------------------------------------------------ agentd.yaml(5)

    static List<ConfigKey> serverKeys() {
        return ServerConfig.SERVER.keys();
    }

    static List<ConfigKey> workerKeys() {
        return WorkerConfig.BINDER.keys();
    }

    static String agentdYaml(String date) {
        Roff r = new Roff("agentd.yaml", 5, date, "agentd " + BuildInfo.version(), MANUAL);
        r.section("Name").paragraph("agentd.yaml, worker.yaml - configuration of agentd servers and workers");
        r.section("Synopsis").paragraph("/etc/agentd/agentd.yaml (agentd server --config FILE)")
                .paragraph("/etc/agentd/worker.yaml (agentd worker --config FILE)");
        r.section("Description")
                .paragraph("Each file is a YAML mapping of keys to values. A key not given takes its default. An "
                        + "unknown key, a value of the wrong shape, or one out of range stops the daemon at start with "
                        + "a message naming the key and the file. Sizes are bytes or a number with KiB, MiB or GiB; "
                        + "durations a number with ms, s, m or h.")
                .paragraph("Every key is also a flag, --KEY VALUE, and an environment variable, shown with each "
                        + "key. A flag wins over the variable, which wins over the file. Keys that hold KEY=VALUE "
                        + "pairs are a YAML mapping in the file; as a flag they repeat or are comma-separated, in "
                        + "the environment comma-separated; lists alike.");
        r.section("Server keys (agentd.yaml)");
        keys(r, serverKeys());
        r.section("Worker keys (worker.yaml)");
        keys(r, workerKeys());
        r.section("Examples");
        r.paragraph("A server of a three-member group, with TLS and a bootstrap token:");
        r.example(List.of(
                "node-id: n1",
                "data-dir: /var/lib/agentd",
                "http-addr: 10.0.0.1:7420",
                "raft-addr: 10.0.0.1:7421",
                "peers: n1=10.0.0.1:7421,n2=10.0.0.2:7421,n3=10.0.0.3:7421",
                "tls-cert: /etc/agentd/tls/n1.pem",
                "tls-key: /etc/agentd/tls/n1-key.pem",
                "tls-ca: /etc/agentd/tls/ca.pem",
                "bootstrap-token-file: /etc/agentd/admin.token"));
        r.section("See also");
        r.paragraph("agentd(8), agentctl(1).");
        return r.toString();
    }

    private static void keys(Roff r, List<ConfigKey> keys) {
        for (ConfigKey k : keys) {
            String shape = switch (k.kind()) {
                case VALUE -> "";
                case MAP -> " (KEY=VALUE pairs)";
                case LIST -> " (a list)";
            };
            r.taggedRoff("\\fB" + Roff.escape(k.name()) + "\\fR" + Roff.escape(shape),
                    upperFirst(k.description()) + ". Default: " + (k.defaultValue().isEmpty() ? "none"
                            : k.defaultValue()) + ". Flag --" + k.name() + ", environment " + k.env() + ".");
        }
    }

    // ------------------------------------------------------------------ shared

    /** Every command under {@code root}, depth first, each once (aliases skipped). */
    static List<CommandSpec> commands(CommandSpec root) {
        List<CommandSpec> all = new ArrayList<>();
        collect(root, all);
        all.remove(0);
        return all;
    }

    private static void collect(CommandSpec spec, List<CommandSpec> into) {
        into.add(spec);
        for (Map.Entry<String, CommandLine> sub : spec.subcommands().entrySet()) {
            if (sub.getKey().equals(sub.getValue().getCommandName())) {
                collect(sub.getValue().getCommandSpec(), into);
            }
        }
    }

    private static boolean isGlobal(OptionSpec o, CommandSpec root) {
        OptionSpec g = root.findOption(o.longestName());
        return g != null && g.scopeType() == CommandLine.ScopeType.INHERIT && o.inherited();
    }

    private static void option(Roff r, OptionSpec o) {
        String term = String.join(", ", o.names()) + (o.arity().max() > 0 ? "=" + o.paramLabel() : "");
        r.tagged(term, text(o.renderedDescription()));
    }

    /**
     * What follows the command's name in its synopsis: the options {@code shown} accepts, then
     * {@code more} (a summary of the rest, or empty), then the arguments.
     */
    private static String synopsisArguments(CommandSpec command, java.util.function.Predicate<OptionSpec> shown,
                                            String more) {
        List<String> parts = new ArrayList<>();
        for (OptionSpec o : command.options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp() || !shown.test(o)) {
                continue;
            }
            String name = o.longestName();
            String one = o.arity().max() > 0 ? name + "=" + o.paramLabel() : name;
            boolean repeat = o.isMultiValue() && !one.endsWith("...");
            parts.add((o.required() ? one : "[" + one + "]") + (repeat ? "..." : ""));
        }
        if (!more.isEmpty()) {
            parts.add(more);
        }
        if (!command.subcommands().isEmpty()) {
            parts.add("COMMAND");
        }
        for (PositionalParamSpec p : command.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String label = p.paramLabel() + (p.isMultiValue() ? "..." : "");
            parts.add(p.arity().min() == 0 ? "[" + label + "]" : label);
        }
        return String.join(" ", parts);
    }

    /** picocli's description lines as text: format escapes undone, lines joined. */
    private static String text(String[] lines) {
        return String.join(" ", lines).replace("%n", "\n").replace("%%", "%").strip();
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String upperFirst(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
