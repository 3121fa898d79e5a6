package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl meta}: groups the metadata commands. */
@Command(name = "meta", description = "Read and write an agent's metadata (versioned, with compare-and-set).",
    subcommands = {MetaSetCommand.class, MetaGetCommand.class})
final class MetaCommand {}
