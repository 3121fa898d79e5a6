package io.agentd.client.api;

/**
 * Body of {@code POST /v1/namespaces/{ns}/agents/{name}/status}, sent by the worker that runs
 * the agent. A report with a stale fencing token is rejected ({@code 409 FAILED_PRECONDITION}).
 *
 * @param fencingToken token of the assignment the worker holds
 * @param state observed state, e.g. {@code running}, {@code stopped}, {@code failed}
 * @param exitCode exit code of the process once it exited, else {@code null}
 * @param message free text, may be empty
 * @param restarts how often the worker's supervisor restarted the agent in this assignment so
 *     far ({@code null}: 0)
 */
public record StatusReport(long fencingToken, String state, Integer exitCode, String message, Integer restarts) {
  public StatusReport(long fencingToken, String state, Integer exitCode, String message) {
    this(fencingToken, state, exitCode, message, null);
  }
}
