package io.agentd.daemon.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.agentd.daemon.api.Json;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.Assignment;
import io.agentd.statemachine.model.MetadataEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * An agent as the API's JSON, written straight from the state machine's record: byte for byte
 * what {@code Json.write(Views.agent(a))} gives, without the view records in between and
 * without Jackson's reflective serializer, both a cost on every spawn's answer. It
 * uses Jackson's own generator, so strings are escaped exactly as there; a test compares the
 * two over generated agents. A change to {@code AgentView} must be made here too.
 */
public final class AgentJson {
    private AgentJson() {
    }

    /** {@code Json.write(Views.agent(a))}. Thread-safe. */
    public static byte[] bytes(Agent a) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(768);
             JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            write(g, a);
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writes to memory: does not happen
        }
    }

    /** Writes {@code a} as one JSON value; thread-safe. */
    public static void write(JsonGenerator g, Agent a) throws IOException {
        g.writeStartObject();
        g.writeStringField("namespace", a.namespace());
        g.writeStringField("name", a.name());
        g.writeNumberField("id", a.id());
        g.writeFieldName("spec");
        spec(g, a.spec());
        g.writeStringField("desiredState", a.desired().word());
        g.writeStringField("state", a.state().word());
        g.writeStringField("worker", a.worker());
        g.writeFieldName("fencingToken");
        if (a.assigned()) {
            g.writeNumber(a.fencingToken());
        } else {
            g.writeNull();
        }
        g.writeStringField("pendingReason", a.pendingReason());
        g.writeFieldName("exitCode");
        if (a.exitCode() != null) {
            g.writeNumber(a.exitCode().intValue());
        } else {
            g.writeNull();
        }
        g.writeNumberField("restarts", a.restarts());
        g.writeFieldName("metadata");
        g.writeStartObject();
        for (Map.Entry<String, MetadataEntry> e : a.metadata().entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeStartObject();
            g.writeStringField("value", e.getValue().value());
            g.writeNumberField("version", e.getValue().version());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeNumberField("createRevision", a.createRevision());
        g.writeNumberField("revision", a.revision());
        g.writeStringField("createTime", Views.time(a.createTime()));
        g.writeStringField("updateTime", Views.time(a.updateTime()));
        g.writeStringField("migrateTo", a.migrateTo());
        g.writeFieldName("checkpointRevision");
        if (a.checkpoint() != null) {
            g.writeNumber(a.checkpointRevision());
        } else {
            g.writeNull();
        }
        g.writeNumberField("reschedules", a.reschedules());
        g.writeFieldName("history");
        g.writeStartArray();
        for (Assignment h : a.history()) {
            g.writeStartObject();
            g.writeStringField("worker", h.worker());
            g.writeNumberField("fencingToken", h.fencingToken());
            g.writeNumberField("restarts", h.restarts());
            g.writeNumberField("endRevision", h.endRevision());
            g.writeStringField("endTime", Views.time(h.endTime()));
            g.writeStringField("outcome", h.outcome());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName("health");
        if (a.health() != null) {
            g.writeStartObject();
            g.writeStringField("status", a.health().status());
            g.writeStringField("progress", a.health().progress());
            g.writeStringField("time", Views.time(a.health().time()));
            g.writeEndObject();
        } else {
            g.writeNull();
        }
        g.writeEndObject();
    }

    private static void spec(JsonGenerator g, AgentSpec s) throws IOException {
        g.writeStartObject();
        g.writeStringField("command", s.command());
        g.writeFieldName("args");
        g.writeStartArray();
        for (String arg : s.args()) {
            g.writeString(arg);
        }
        g.writeEndArray();
        stringMap(g, "env", s.env());
        g.writeStringField("workingDir", s.workingDir());
        g.writeNumberField("slots", s.slots());
        stringMap(g, "labels", s.labels());
        stringMap(g, "constraints", s.constraints());
        g.writeStringField("restart", s.restart().word());
        g.writeEndObject();
    }

    private static void stringMap(JsonGenerator g, String field, Map<String, String> m) throws IOException {
        g.writeFieldName(field);
        g.writeStartObject();
        for (Map.Entry<String, String> e : m.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

}
