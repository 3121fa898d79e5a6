package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl quota}: groups the quota commands. */
@Command(name = "quota", description = "Show and change namespace quotas.",
    subcommands = {QuotaGetCommand.class, QuotaSetCommand.class})
final class QuotaCommand {}
