package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl cluster}: groups the commands about the coordinators. */
@Command(name = "cluster", description = "Show the coordinators' Raft group.",
    subcommands = {ClusterStatusCommand.class, ClusterMembersCommand.class, ClusterSnapshotCommand.class})
final class ClusterCommand {}
