package io.agentd.jepsen.history;

import io.agentd.jepsen.history.EdnMapReader.EdnSyntaxException;
import io.agentd.jepsen.history.EdnMapReader.Keyword;
import io.agentd.jepsen.history.EdnMapReader.Nil;
import io.agentd.jepsen.model.KvInput;
import io.agentd.jepsen.model.KvInput.Append;
import io.agentd.jepsen.model.KvInput.Get;
import io.agentd.jepsen.model.KvInput.Put;
import io.agentd.jepsen.model.KvOutput;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses a history of a string key-value store written as one EDN map per line, in real-time
 * order: {@code {:process 3, :type :invoke, :f :append, :key "4", :value "x 3 17 y"}}.
 *
 * <p>{@code :f} is {@code :get}, {@code :put} or {@code :append}. {@code :ok} pairs with the
 * process's last open {@code :invoke}; as in Jepsen, {@code :fail} means the op did not take
 * effect and {@code :info} leaves it open (unknown outcome, returns at the end). A get answered
 * {@code nil} read the empty string, which is every key's initial value. Times are line numbers.
 */
public final class EdnKvParser {
    private EdnKvParser() {}

    public static List<Op<KvInput, KvOutput>> parse(String source, List<String> lines) throws MalformedHistoryException {
        HistoryBuilder<KvInput, KvOutput> history = new HistoryBuilder<>(source, KvOutput.Unknown.UNKNOWN);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank()) {
                parseLine(line, new SourceLine(source, i + 1), history);
            }
        }
        return history.build();
    }

    private static void parseLine(String line, SourceLine at, HistoryBuilder<KvInput, KvOutput> history)
            throws MalformedHistoryException {
        Map<String, Object> event;
        try {
            event = EdnMapReader.read(line);
        } catch (EdnSyntaxException e) {
            throw at.of("not an EDN map: " + e.getMessage());
        }
        Object processValue = require(event, "process", at);
        if (!(processValue instanceof Long process) || process < Integer.MIN_VALUE || process > Integer.MAX_VALUE) {
            throw at.of(":process must be an integer, not " + processValue);
        }
        int pid = (int) (long) process;
        String type = keyword(event, "type", at);
        if (!type.equals("invoke") && !type.equals("ok") && !type.equals("fail") && !type.equals("info")) {
            throw at.of(":type must be :invoke, :ok, :fail or :info, not :" + type);
        }
        String f = keyword(event, "f", at);
        if (!f.equals("get") && !f.equals("put") && !f.equals("append")) {
            throw at.of(":f must be :get, :put or :append, not :" + f);
        }
        Object keyValue = require(event, "key", at);
        if (!(keyValue instanceof String) && !(keyValue instanceof Long)) {
            throw at.of(":key must be a string or an integer, not " + keyValue);
        }
        String key = keyValue.toString();
        Object value = require(event, "value", at);
        if (type.equals("invoke")) {
            history.invoke(pid, invocation(f, key, value, at), at.line());
            return;
        }
        KvInput invoked = history.openInput(pid)
                .orElseThrow(() -> at.of("process " + pid + " has no open invocation for this :" + type));
        if (!f.equals(functionOf(invoked)) || !key.equals(invoked.key())) {
            throw at.of(":" + type + " :" + f + " of key " + key + " answers an open " + invoked);
        }
        switch (type) {
            case "ok" -> history.complete(pid, okOutput(invoked, value, at), at.line(), at.line());
            case "fail" -> history.discard(pid, at.line());
            default -> {
                // :info, unknown outcome: the op stays open and ends with the history.
            }
        }
    }

    private static KvInput invocation(String f, String key, Object value, SourceLine at) throws MalformedHistoryException {
        return switch (f) {
            case "get" -> new Get(key);
            case "put" -> new Put(key, string(value, at));
            default -> new Append(key, string(value, at));
        };
    }

    private static KvOutput okOutput(KvInput invoked, Object value, SourceLine at) throws MalformedHistoryException {
        if (invoked instanceof Get) {
            return new KvOutput.Value(value == Nil.NIL ? "" : string(value, at));
        }
        String written = string(value, at);
        String invokedValue = invoked instanceof Put put ? put.value() : ((Append) invoked).value();
        if (!written.equals(invokedValue)) {
            throw at.of("the answer's value differs from the invocation's (" + invoked + ")");
        }
        return KvOutput.Done.OK;
    }

    private static Object require(Map<String, Object> event, String name, SourceLine at) throws MalformedHistoryException {
        Object value = event.get(name);
        if (value == null) {
            throw at.of("missing :" + name);
        }
        return value;
    }

    private static String keyword(Map<String, Object> event, String name, SourceLine at) throws MalformedHistoryException {
        Object value = require(event, name, at);
        if (!(value instanceof Keyword keyword)) {
            throw at.of(":" + name + " must be a keyword, not " + value);
        }
        return keyword.name();
    }

    private static String string(Object value, SourceLine at) throws MalformedHistoryException {
        if (!(value instanceof String text)) {
            throw at.of(":value must be a string here, not " + (value == Nil.NIL ? "nil" : Objects.toString(value)));
        }
        return text;
    }

    private static String functionOf(KvInput input) {
        return input instanceof Get ? "get" : input instanceof Put ? "put" : "append";
    }
}
