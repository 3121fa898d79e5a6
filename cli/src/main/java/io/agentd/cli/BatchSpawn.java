package io.agentd.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentd.cli.output.Table;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.AgentdException;
import io.agentd.client.api.SpawnBatchItemView;
import io.agentd.client.api.SpawnBatchRequest;
import io.agentd.client.api.SpawnBatchView;
import io.agentd.client.api.SpawnRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code agentctl spawn --from-file}: reads every agent of the file first (a malformed file
 * sends nothing and exits 2), then sends them in batches, each with its own Idempotency-Key so
 * a retried batch is applied once. A batch the server refuses as malformed stops the run; the
 * batches before it stay spawned, and running the same file again answers them as unchanged.
 */
final class BatchSpawn {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final SpawnCommand command;
  private final String namespace;
  private final int batchSize;

  BatchSpawn(SpawnCommand command, String namespace, int batchSize) {
    this.command = command;
    this.namespace = namespace;
    this.batchSize = batchSize;
  }

  ExitCode run(String file) throws IOException {
    List<SpawnRequest> agents = read(file);
    if (agents.isEmpty()) {
      throw command.usageError(file + " holds no agents");
    }
    List<SpawnBatchItemView> results = new ArrayList<>(agents.size());
    ArrayNode resultJson = JSON.createArrayNode();
    int created = 0;
    int unchanged = 0;
    int rejected = 0;
    for (int from = 0; from < agents.size(); from += batchSize) {
      List<SpawnRequest> chunk = agents.subList(from, Math.min(agents.size(), from + batchSize));
      ApiReply<SpawnBatchView> reply;
      try {
        reply = command.client().send(Api.spawnBatch(namespace, new SpawnBatchRequest(chunk)));
      } catch (AgentdException e) {
        if (from > 0) {
          command.note("agents 1-" + from + " of " + file + " were sent before this failure");
        }
        throw e;
      }
      SpawnBatchView v = reply.value();
      results.addAll(v.results());
      reply.json().path("results").forEach(resultJson::add);
      created += v.created();
      unchanged += v.unchanged();
      rejected += v.rejected();
    }
    if (command.output().format().structured()) {
      ObjectNode doc = JSON.createObjectNode();
      doc.set("results", resultJson);
      doc.put("created", created).put("unchanged", unchanged).put("rejected", rejected);
      command.output().document(doc);
    } else {
      Table table = new Table("NAMESPACE", "NAME", "RESULT", "ID", "ERROR");
      for (SpawnBatchItemView r : results) {
        table.row(namespace, r.name(), r.result(), r.id(),
            r.error() == null ? null : r.error().code() + ": " + r.error().message());
      }
      command.out().print(table.render());
      command.out().flush();
    }
    command.note(created + " created, " + unchanged + " unchanged, " + rejected + " rejected");
    return exitCode(results);
  }

  /** OK without rejections; else the exit code all rejections share, or ERROR when they differ. */
  static ExitCode exitCode(List<SpawnBatchItemView> results) {
    TreeSet<ExitCode> codes = new TreeSet<>();
    for (SpawnBatchItemView r : results) {
      if (r.error() != null) {
        codes.add(ExitCodeMapper.forApiError(r.error().code(), 0));
      }
    }
    if (codes.isEmpty()) {
      return ExitCode.OK;
    }
    return codes.size() == 1 ? codes.first() : ExitCode.ERROR;
  }

  /** JSON lines (or any whitespace-separated objects) or one JSON array of spawn requests. */
  private List<SpawnRequest> read(String file) throws IOException {
    List<SpawnRequest> out = new ArrayList<>();
    try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file));
         JsonParser p = JSON.createParser(in)) {
      JsonToken t = p.nextToken();
      boolean array = t == JsonToken.START_ARRAY;
      if (array) {
        t = p.nextToken();
      }
      while (t != null && !(array && t == JsonToken.END_ARRAY)) {
        int item = out.size() + 1;
        if (t != JsonToken.START_OBJECT) {
          throw command.usageError(file + ": agent " + item + " (line " + p.currentLocation().getLineNr()
              + ") must be a JSON object {\"name\": ..., \"spec\": {...}}");
        }
        JsonNode node = JSON.readTree(p);
        SpawnRequest r;
        try {
          r = JSON.treeToValue(node, SpawnRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw command.usageError(file + ": agent " + item + ": " + e.getOriginalMessage());
        }
        if (r.name() == null || r.name().isEmpty()) {
          throw command.usageError(file + ": agent " + item + " has no name");
        }
        if (r.spec() == null) {
          throw command.usageError(file + ": agent " + item + " (" + r.name() + ") has no spec");
        }
        out.add(r);
        t = p.nextToken();
      }
      if (array && p.nextToken() != null) {
        throw command.usageError(file + ": text after the closing ] of the array");
      }
    } catch (NoSuchFileException e) {
      throw command.usageError("--from-file: no such file " + file);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw command.usageError(file + " is not JSON lines or a JSON array: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ")");
    }
    return out;
  }
}
