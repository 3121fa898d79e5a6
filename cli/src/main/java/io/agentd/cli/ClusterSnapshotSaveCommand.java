package io.agentd.cli;

import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.statemachine.store.SnapshotFile;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl cluster snapshot save FILE}: a backup of the registry, checked before it is
 * kept; FILE appears whole or not at all (written beside it, then renamed).
 */
@Command(name = "save", description = {"Save a consistent backup of the registry to FILE (admin).",
    "The file holds every agent, namespace, worker, token, metadata entry and the recent events and"
        + " audit trail; agentd restore seeds a new cluster from it."})
final class ClusterSnapshotSaveCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "where to write the backup")
  Path file;

  @Override
  protected ExitCode execute() throws Exception {
    ApiReply<byte[]> reply = client().send(Api.snapshot());
    byte[] bytes = reply.value();
    SnapshotFile.Loaded loaded;
    try {
      loaded = SnapshotFile.load(new ByteArrayInputStream(bytes));
    } catch (SnapshotFile.InvalidSnapshotException e) {
      err().println("agentctl: the server sent a snapshot that does not check out (" + e.getMessage()
          + "); nothing was written");
      return ExitCode.ERROR;
    }
    Path target = file.toAbsolutePath();
    Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
    Files.write(partial, bytes);
    try (var channel = java.nio.channels.FileChannel.open(partial, java.nio.file.StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    SnapshotSummary summary = SnapshotSummary.of(loaded, bytes.length);
    if (output().format().structured()) {
      output().document(summary.json());
    } else {
      out().printf("saved revision %d (%d rows, %d bytes, taken by %s) to %s%n", summary.revision(),
          loaded.rows(), bytes.length, loaded.header().takenBy(), target);
    }
    return ExitCode.OK;
  }
}
