package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl worker}: groups the worker commands. */
@Command(name = "worker", description = "Show and register workers.",
    subcommands = {WorkerListCommand.class, WorkerGetCommand.class, WorkerRegisterCommand.class})
final class WorkerCommand {}
