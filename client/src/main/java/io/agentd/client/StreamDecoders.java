package io.agentd.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.AssignmentView;
import io.agentd.client.api.ErrorBody;
import io.agentd.client.api.ErrorDetail;
import io.agentd.client.api.HealthView;
import io.agentd.client.api.MetadataEntryView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoders for the answers agentctl prints most, on Jackson's streaming parser ({@link StreamedType}
 * says why). Each reads what databind would: fields by their record component names, unknown
 * fields skipped, a missing or {@code null} number 0 where the component is primitive, a
 * {@code null} map value kept. Anything else, a string where a number belongs or a {@code null}
 * inside a list, throws
 * {@link Unexpected} and databind decides.
 */
final class StreamDecoders {

  /** Built on first use: a call that decodes nothing this way does not pay for it. */
  private static final class Factory {
    static final JsonFactory JSON = new JsonFactory();
  }

  /** The answer has a shape this decoder does not take on itself. */
  static final class Unexpected extends IOException {
    Unexpected(JsonParser parser, String what) {
      super("expected " + what + ", found " + parser.currentToken());
    }
  }

  private StreamDecoders() {}

  /** Decodes a whole answer body: one value and nothing after it. */
  static <T> T decode(byte[] body, StreamedType.Decoder<T> decoder) throws IOException {
    try (JsonParser parser = Factory.JSON.createParser(body)) {
      parser.nextToken();
      T value = decoder.read(parser);
      if (parser.nextToken() != null) {
        throw new Unexpected(parser, "the end of the answer");
      }
      return value;
    }
  }

  static AgentView agent(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startObject(p);
    String namespace = null;
    String name = null;
    long id = 0;
    AgentSpecView spec = null;
    String desiredState = null;
    String state = null;
    String worker = null;
    Long fencingToken = null;
    String pendingReason = null;
    Integer exitCode = null;
    int restarts = 0;
    Map<String, MetadataEntryView> metadata = null;
    long createRevision = 0;
    long revision = 0;
    String createTime = null;
    String updateTime = null;
    String migrateTo = null;
    Long checkpointRevision = null;
    int reschedules = 0;
    List<AssignmentView> history = null;
    HealthView health = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "namespace" -> namespace = string(p);
        case "name" -> name = string(p);
        case "id" -> id = longValue(p);
        case "spec" -> spec = spec(p);
        case "desiredState" -> desiredState = string(p);
        case "state" -> state = string(p);
        case "worker" -> worker = string(p);
        case "fencingToken" -> fencingToken = boxedLong(p);
        case "pendingReason" -> pendingReason = string(p);
        case "exitCode" -> exitCode = boxedInt(p);
        case "restarts" -> restarts = intValue(p);
        case "metadata" -> metadata = metadata(p);
        case "createRevision" -> createRevision = longValue(p);
        case "revision" -> revision = longValue(p);
        case "createTime" -> createTime = string(p);
        case "updateTime" -> updateTime = string(p);
        case "migrateTo" -> migrateTo = string(p);
        case "checkpointRevision" -> checkpointRevision = boxedLong(p);
        case "reschedules" -> reschedules = intValue(p);
        case "history" -> history = history(p);
        case "health" -> health = health(p);
        default -> p.skipChildren();
      }
    }
    endObject(p);
    return new AgentView(namespace, name, id, spec, desiredState, state, worker, fencingToken, pendingReason,
        exitCode, restarts, metadata, createRevision, revision, createTime, updateTime, migrateTo,
        checkpointRevision, reschedules, history, health);
  }

  static List<AgentView> agents(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new Unexpected(p, "an array");
    }
    List<AgentView> agents = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (isNull(p)) {
        throw new Unexpected(p, "an agent");
      }
      agents.add(agent(p));
    }
    return agents;
  }

  static ErrorBody errorBody(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startObject(p);
    ErrorDetail error = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("error")) {
        error = errorDetail(p);
      } else {
        p.skipChildren();
      }
    }
    endObject(p);
    return new ErrorBody(error);
  }

  private static ErrorDetail errorDetail(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startObject(p);
    String code = null;
    String message = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "code" -> code = string(p);
        case "message" -> message = string(p);
        default -> p.skipChildren();
      }
    }
    endObject(p);
    return new ErrorDetail(code, message);
  }

  private static AgentSpecView spec(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startObject(p);
    String command = null;
    List<String> args = null;
    Map<String, String> env = null;
    String workingDir = null;
    Integer slots = null;
    Map<String, String> labels = null;
    Map<String, String> constraints = null;
    String restart = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "command" -> command = string(p);
        case "args" -> args = strings(p);
        case "env" -> env = stringMap(p);
        case "workingDir" -> workingDir = string(p);
        case "slots" -> slots = boxedInt(p);
        case "labels" -> labels = stringMap(p);
        case "constraints" -> constraints = stringMap(p);
        case "restart" -> restart = string(p);
        default -> p.skipChildren();
      }
    }
    endObject(p);
    return new AgentSpecView(command, args, env, workingDir, slots, labels, constraints, restart);
  }

  private static Map<String, MetadataEntryView> metadata(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startObject(p);
    Map<String, MetadataEntryView> entries = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      if (isNull(p)) {
        entries.put(key, null);
        continue;
      }
      startObject(p);
      String value = null;
      long version = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "value" -> value = string(p);
          case "version" -> version = longValue(p);
          default -> p.skipChildren();
        }
      }
      endObject(p);
      entries.put(key, new MetadataEntryView(value, version));
    }
    endObject(p);
    return entries;
  }

  private static List<AssignmentView> history(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startArray(p);
    List<AssignmentView> history = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (isNull(p)) {
        throw new Unexpected(p, "an assignment");
      }
      startObject(p);
      String worker = null;
      long fencingToken = 0;
      int restarts = 0;
      long endRevision = 0;
      String endTime = null;
      String outcome = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "worker" -> worker = string(p);
          case "fencingToken" -> fencingToken = longValue(p);
          case "restarts" -> restarts = intValue(p);
          case "endRevision" -> endRevision = longValue(p);
          case "endTime" -> endTime = string(p);
          case "outcome" -> outcome = string(p);
          default -> p.skipChildren();
        }
      }
      endObject(p);
      history.add(new AssignmentView(worker, fencingToken, restarts, endRevision, endTime, outcome));
    }
    return history;
  }

  private static HealthView health(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startObject(p);
    String status = null;
    String progress = null;
    String time = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "status" -> status = string(p);
        case "progress" -> progress = string(p);
        case "time" -> time = string(p);
        default -> p.skipChildren();
      }
    }
    endObject(p);
    return new HealthView(status, progress, time);
  }

  private static List<String> strings(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startArray(p);
    List<String> values = new ArrayList<>();
    while (p.nextToken() == JsonToken.VALUE_STRING) {
      values.add(p.getText());
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new Unexpected(p, "a string");
    }
    return values;
  }

  private static Map<String, String> stringMap(JsonParser p) throws IOException {
    if (isNull(p)) {
      return null;
    }
    startObject(p);
    Map<String, String> values = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      values.put(key, string(p));
    }
    endObject(p);
    return values;
  }

  private static String string(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_STRING -> p.getText();
      case VALUE_NULL -> null;
      default -> throw new Unexpected(p, "a string");
    };
  }

  private static long longValue(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_NUMBER_INT -> p.getLongValue();
      case VALUE_NULL -> 0L;
      default -> throw new Unexpected(p, "a whole number");
    };
  }

  private static Long boxedLong(JsonParser p) throws IOException {
    return isNull(p) ? null : longValue(p);
  }

  private static int intValue(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_NUMBER_INT -> p.getIntValue();
      case VALUE_NULL -> 0;
      default -> throw new Unexpected(p, "a whole number");
    };
  }

  private static Integer boxedInt(JsonParser p) throws IOException {
    return isNull(p) ? null : intValue(p);
  }

  private static boolean isNull(JsonParser p) {
    return p.currentToken() == JsonToken.VALUE_NULL;
  }

  private static void startObject(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new Unexpected(p, "an object");
    }
  }

  private static void endObject(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new Unexpected(p, "a field name");
    }
  }

  private static void startArray(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new Unexpected(p, "an array");
    }
  }
}
