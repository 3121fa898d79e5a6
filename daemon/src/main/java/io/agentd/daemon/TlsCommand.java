package io.agentd.daemon;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code agentd tls}: certificates for a cluster ({@code init}). */
@Command(name = "tls", mixinStandardHelpOptions = true,
        description = "Certificates for a cluster's TLS.",
        subcommands = {TlsInitCommand.class, CommandLine.HelpCommand.class})
final class TlsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
