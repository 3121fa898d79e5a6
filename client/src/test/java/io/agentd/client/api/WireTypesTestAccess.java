package io.agentd.client.api;

/** The literal wire JSON of {@link WireTypesTest} for tests in other packages. */
public final class WireTypesTestAccess {
  private WireTypesTestAccess() {}

  public static String agentJson() {
    return WireTypesTest.AGENT;
  }
}
