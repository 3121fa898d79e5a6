package io.agentd.cli;

import io.agentd.client.AgentdException;
import picocli.CommandLine;
import picocli.CommandLine.IExitCodeExceptionMapper;

/** The one place that turns a failure into an {@link ExitCode}. */
final class ExitCodeMapper implements IExitCodeExceptionMapper {

  @Override
  public int getExitCode(Throwable failure) {
    return exitCodeOf(failure).code();
  }

  static ExitCode exitCodeOf(Throwable failure) {
    if (failure instanceof AgentdException api) {
      return forApiError(api.code(), api.status());
    }
    if (failure instanceof CommandLine.ParameterException) {
      return ExitCode.USAGE;
    }
    if (failure instanceof InterruptedException) {
      return ExitCode.INTERRUPTED;
    }
    return ExitCode.ERROR;
  }

  /** By the API's error code; a code this version does not know falls back to the HTTP status. */
  static ExitCode forApiError(String code, int status) {
    return switch (code) {
      case AgentdException.INVALID_ARGUMENT, AgentdException.PAYLOAD_TOO_LARGE -> ExitCode.USAGE;
      case AgentdException.NOT_FOUND -> ExitCode.NOT_FOUND;
      case AgentdException.ALREADY_EXISTS, AgentdException.VERSION_MISMATCH,
          AgentdException.FAILED_PRECONDITION -> ExitCode.CONFLICT;
      case AgentdException.QUOTA_EXCEEDED, AgentdException.TOO_MANY_REQUESTS,
          AgentdException.INSUFFICIENT_STORAGE -> ExitCode.QUOTA;
      case AgentdException.UNAVAILABLE -> ExitCode.UNAVAILABLE;
      case AgentdException.UNAUTHENTICATED, AgentdException.PERMISSION_DENIED -> ExitCode.UNAUTHORIZED;
      case AgentdException.TIMEOUT -> ExitCode.TIMEOUT;
      case AgentdException.TLS_FAILED -> ExitCode.TLS;
      case AgentdException.INTERRUPTED -> ExitCode.INTERRUPTED;
      case AgentdException.METHOD_NOT_ALLOWED, AgentdException.INTERNAL -> ExitCode.ERROR;
      default -> forStatus(status);
    };
  }

  private static ExitCode forStatus(int status) {
    return switch (status) {
      case 400, 413 -> ExitCode.USAGE;
      case 401, 403 -> ExitCode.UNAUTHORIZED;
      case 404 -> ExitCode.NOT_FOUND;
      case 409 -> ExitCode.CONFLICT;
      case 429, 507 -> ExitCode.QUOTA;
      case 503 -> ExitCode.UNAVAILABLE;
      case 504 -> ExitCode.TIMEOUT;
      default -> ExitCode.ERROR;
    };
  }
}
