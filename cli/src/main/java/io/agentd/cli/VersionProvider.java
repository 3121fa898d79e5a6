package io.agentd.cli;

import io.agentd.client.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** The build's version and commit ({@link BuildInfo}): the same line as {@code agentd --version}'s. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {"agentctl " + BuildInfo.describe()};
  }
}
