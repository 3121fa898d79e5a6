package io.agentd.cli;

import picocli.CommandLine.Command;

/** {@code agentctl worker}: groups the worker commands. */
@Command(name = "worker", description = "Show, register, drain and undrain workers.",
    subcommands = {WorkerListCommand.class, WorkerGetCommand.class, WorkerRegisterCommand.class,
        WorkerDrainCommand.class, WorkerUndrainCommand.class})
final class WorkerCommand {}
