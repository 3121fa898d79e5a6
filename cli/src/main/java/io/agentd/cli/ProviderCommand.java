package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl provider}: groups the provider commands. */
@Command(name = "provider", description = {"Set and show the LLM provider accounts whose limits the fleet shares.",
    "Needs cluster feature level 3 (agentctl cluster upgrade --to 3)."},
    subcommands = {ProviderSetCommand.class, ProviderGetCommand.class, ProviderListCommand.class,
        ProviderDeleteCommand.class})
final class ProviderCommand {}
