package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl namespace}: groups the namespace commands. */
@Command(name = "namespace", aliases = "ns", description = "Create and show namespaces.",
    subcommands = {NamespaceCreateCommand.class, NamespaceGetCommand.class, NamespaceListCommand.class})
final class NamespaceCommand {}
