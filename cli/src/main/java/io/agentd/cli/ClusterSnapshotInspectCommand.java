package io.agentd.cli;

import io.agentd.statemachine.store.SnapshotFile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl cluster snapshot inspect FILE}: checks a backup whole (checksum, format, that
 * every row decodes) and says what it holds. Offline: it asks no server.
 */
@Command(name = "inspect", description = {"Check a backup and show what it holds (offline).",
    "Exit 0 when it checks out; 2 when it is corrupt, truncated or of a format this build does not read."})
final class ClusterSnapshotInspectCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "a file of agentctl cluster snapshot save")
  Path file;

  @Override
  protected ExitCode execute() throws Exception {
    SnapshotFile.Loaded loaded;
    try (InputStream in = Files.newInputStream(file)) {
      loaded = SnapshotFile.load(in);
    } catch (NoSuchFileException e) {
      err().println("agentctl: no such file: " + file);
      return ExitCode.USAGE;
    } catch (SnapshotFile.InvalidSnapshotException e) {
      err().println("agentctl: " + file + ": " + e.getMessage());
      return ExitCode.USAGE;
    }
    SnapshotSummary summary;
    try {
      summary = SnapshotSummary.of(loaded, Files.size(file));
    } catch (RuntimeException e) {
      err().println("agentctl: " + file + ": its checksum matches but its rows do not decode: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (output().format().structured()) {
      output().document(summary.json());
    } else {
      out().print(summary.text());
    }
    return ExitCode.OK;
  }
}
