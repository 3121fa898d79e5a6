package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl cluster}: groups the commands about the coordinators. */
@Command(name = "cluster", description = "Show and change the coordinators' Raft group; back the registry up.",
    subcommands = {ClusterStatusCommand.class, ClusterMembersCommand.class, ClusterHealthCommand.class,
        ClusterTransferLeaderCommand.class, ClusterAddMemberCommand.class, ClusterRemoveMemberCommand.class, ClusterSnapshotCommand.class,
        ClusterUpgradeCommand.class, ClusterCheckCommand.class})
final class ClusterCommand {}
