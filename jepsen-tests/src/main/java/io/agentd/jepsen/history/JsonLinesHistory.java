package io.agentd.jepsen.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterInput.Cas;
import io.agentd.jepsen.model.RegisterInput.Read;
import io.agentd.jepsen.model.RegisterInput.Write;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;
import java.util.List;

/**
 * Parses agentd's own history format: JSON lines modelled on Jepsen's history maps, one event per
 * line, in real-time order (the recorder writes an invoke before sending and the completion after
 * the answer, so line order is real-time order; {@code time} is informational):
 *
 * <pre>
 * {"process":3,"type":"invoke","f":"cas","key":"agents/a1/phase","value":["1","2"],"time":1234}
 * {"process":3,"type":"ok","f":"cas","key":"agents/a1/phase","value":["1","2"],"time":5678}
 * </pre>
 *
 * <p>{@code f} is read, write or cas on the register {@code key}; values are strings, integers
 * (taken as their decimal text) or null (absent); cas takes [expected, new]. As in Jepsen,
 * {@code fail} means the op did not take effect (so it is dropped, including a cas that did not
 * match), and {@code info} means unknown: the op stays open and returns at the end. Times in the
 * parsed ops are line numbers. {@link JsonLinesHistoryWriter} writes this format.
 */
public final class JsonLinesHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLinesHistory() {}

    public static List<Op<RegisterInput, RegisterOutput>> parse(String source, List<String> lines)
            throws MalformedHistoryException {
        HistoryBuilder<RegisterInput, RegisterOutput> history = new HistoryBuilder<>(source, RegisterOutput.Unknown.UNKNOWN);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank()) {
                parseLine(line, new SourceLine(source, i + 1), history);
            }
        }
        return history.build();
    }

    private static void parseLine(String line, SourceLine at, HistoryBuilder<RegisterInput, RegisterOutput> history)
            throws MalformedHistoryException {
        JsonNode event;
        try {
            event = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw at.of("not JSON: " + e.getOriginalMessage());
        }
        if (event == null || !event.isObject()) {
            throw at.of("not a JSON object");
        }
        JsonNode processNode = event.path("process");
        if (!processNode.canConvertToInt() || !processNode.isIntegralNumber()) {
            throw at.of("\"process\" must be an integer");
        }
        int process = processNode.intValue();
        String type = text(event, "type", at);
        String f = text(event, "f", at);
        String key = text(event, "key", at);
        if (!List.of("invoke", "ok", "fail", "info").contains(type)) {
            throw at.of("\"type\" must be invoke, ok, fail or info, not " + type);
        }
        if (!List.of("read", "write", "cas").contains(f)) {
            throw at.of("\"f\" must be read, write or cas, not " + f);
        }
        JsonNode time = event.get("time");
        if (time != null && !time.isIntegralNumber()) {
            throw at.of("\"time\" must be an integer (nanoseconds)");
        }
        JsonNode value = event.path("value");
        if (type.equals("invoke")) {
            history.invoke(process, invocation(f, key, value, at), at.line());
            return;
        }
        RegisterInput invoked = history.openInput(process)
                .orElseThrow(() -> at.of("process " + process + " has no open invocation for this " + type));
        if (!f.equals(functionOf(invoked)) || !key.equals(invoked.key())) {
            throw at.of(type + " " + f + " of key " + key + " answers an open " + invoked);
        }
        switch (type) {
            case "ok" -> history.complete(process, okOutput(invoked, value, at), at.line(), at.line());
            case "fail" -> history.discard(process, at.line());
            default -> {
                // info: unknown outcome; the op stays open and ends with the history.
            }
        }
    }

    private static RegisterInput invocation(String f, String key, JsonNode value, SourceLine at)
            throws MalformedHistoryException {
        return switch (f) {
            case "read" -> new Read(key);
            case "write" -> {
                if (value.isMissingNode()) {
                    throw at.of("a write needs a \"value\"");
                }
                yield new Write(key, registerValue(value, at));
            }
            default -> cas(key, value, at);
        };
    }

    private static RegisterOutput okOutput(RegisterInput invoked, JsonNode value, SourceLine at)
            throws MalformedHistoryException {
        if (invoked instanceof Read) {
            return RegisterOutput.read(registerValue(value, at));
        }
        if (!value.isMissingNode()) {
            RegisterInput answered = invoked instanceof Write
                    ? new Write(invoked.key(), registerValue(value, at))
                    : cas(invoked.key(), value, at);
            if (!answered.equals(invoked)) {
                throw at.of("the answer's value differs from the invocation's (" + invoked + ")");
            }
        }
        return RegisterOutput.Done.OK;
    }

    private static Cas cas(String key, JsonNode value, SourceLine at) throws MalformedHistoryException {
        if (!value.isArray() || value.size() != 2) {
            throw at.of("a cas \"value\" must be [expected, new]");
        }
        return new Cas(key, registerValue(value.get(0), at), registerValue(value.get(1), at));
    }

    static RegisterValue registerValue(JsonNode value, SourceLine at) throws MalformedHistoryException {
        if (value.isMissingNode() || value.isNull()) {
            return RegisterValue.ABSENT;
        }
        if (value.isTextual()) {
            return RegisterValue.of(value.textValue());
        }
        if (value.isIntegralNumber()) {
            return RegisterValue.of(value.bigIntegerValue().toString());
        }
        throw at.of("a register value must be a string, an integer or null, not " + value);
    }

    private static String text(JsonNode event, String field, SourceLine at) throws MalformedHistoryException {
        JsonNode node = event.get(field);
        if (node == null || !node.isTextual()) {
            throw at.of("\"" + field + "\" must be a string");
        }
        return node.textValue();
    }

    static String functionOf(RegisterInput input) {
        return input instanceof Read ? "read" : input instanceof Write ? "write" : "cas";
    }
}
