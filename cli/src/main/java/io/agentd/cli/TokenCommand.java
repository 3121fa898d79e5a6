package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl token}: groups the token commands. */
@Command(name = "token", description = "Create, list and revoke API tokens; show your own.",
    subcommands = {TokenCreateCommand.class, TokenListCommand.class, TokenRevokeCommand.class,
        TokenWhoamiCommand.class})
final class TokenCommand {}
