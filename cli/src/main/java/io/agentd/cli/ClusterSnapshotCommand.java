package io.agentd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code agentctl cluster snapshot}: backups of the registry. */
@Command(name = "snapshot", description = "Back the registry up to a file, and look inside one.",
    subcommands = {ClusterSnapshotSaveCommand.class, ClusterSnapshotInspectCommand.class,
        CommandLine.HelpCommand.class})
final class ClusterSnapshotCommand {}
