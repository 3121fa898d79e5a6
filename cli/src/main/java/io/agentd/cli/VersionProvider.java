package io.agentd.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, {@code dev} when run from classes. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = Agentctl.class.getPackage().getImplementationVersion();
    return new String[] {"agentctl " + (version == null ? "dev" : version)};
  }
}
