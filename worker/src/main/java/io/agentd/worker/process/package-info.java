/**
 * Runs agents as supervised OS processes that do not outlive their worker's lease.
 *
 * <p>Each agent runs under {@code agentd-watchdog}, a bash script outside the JVM
 * ({@link io.agentd.worker.process.WatchdogScript}). The JVM feeds it lease
 * deadlines over a pipe; the watchdog kills the agent's session (SIGTERM, then SIGKILL
 * after a grace) when the deadline passes, when told to stop, or when the pipe reaches
 * end of file because the JVM died. A frozen JVM (SIGSTOP, a long GC pause) or a
 * {@code kill -9} of the worker therefore never leaves an agent running past its lease.
 *
 * <p>Processes, each in a session of its own:
 * <pre>
 *   worker JVM ──stdin pipe──▶ agentd-watchdog ──fork──▶ sentinel ──fork──▶ agent (session = group = its pid) ─▶ children
 *                                   │ lifeline pipe
 *                                   ▼
 *                             agentd-watchdog --guard   (kills the agent's session if the watchdog dies)
 * </pre>
 *
 * <p>Watchdogs are normally started ahead of need ({@link io.agentd.worker.process.WatchdogSpares}):
 * a spare ({@code --spare}) sets itself up and starts its guard, then waits for the agent's
 * launch record on its stdin, so starting an agent is a pipe write. The agent's environment
 * travels in the record and reaches the agent alone.
 *
 * <p>The sentinel (a fork of the watchdog, in its session) waits for the agent and wakes the
 * watchdog with an empty line on its stdin when the agent exits, so the watchdog sleeps until
 * an event (a line, the agent's exit, a signal) or its deadline rather than polling.
 *
 * <p>Linux only: it relies on bash, {@code setsid} (util-linux) and {@code /proc}.
 * Processes that leave the agent's session on purpose (setsid, double fork into a new
 * session) escape it; under systemd, {@code KillMode=control-group} of the worker's unit
 * is the backstop for those.
 */
package io.agentd.worker.process;
