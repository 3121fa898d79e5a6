package io.agentd.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The stable exit codes of agentctl; scripts rely on them, so never renumber one. */
public enum ExitCode {
  OK(0, "ok"),
  ERROR(1, "error"),
  USAGE(2, "usage error or invalid input"),
  NOT_FOUND(3, "not found"),
  CONFLICT(4, "conflict: name taken, version mismatch, failed precondition"),
  QUOTA(5, "quota or rate limit exceeded, or the cluster low on disk"),
  UNAVAILABLE(6, "unavailable: no endpoint reachable, no leader"),
  UNAUTHORIZED(7, "unauthorized or forbidden"),
  TIMEOUT(8, "timed out"),
  TLS(9, "TLS failed: a certificate not trusted (--cacert) or refused (--cert)"),
  INTERRUPTED(130, "interrupted");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /** The list printed under "Exit codes" in {@code --help}. */
  static Map<String, String> helpList() {
    Map<String, String> list = new LinkedHashMap<>();
    for (ExitCode exit : values()) {
      String code = Integer.toString(exit.code);
      list.put(" ".repeat(Math.max(0, 3 - code.length())) + code, exit.meaning); // not String.format: its first use is slow

    }
    return list;
  }
}
