package io.agentd.jepsen.history;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterInput.Cas;
import io.agentd.jepsen.model.RegisterInput.Write;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;
import java.io.Closeable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Objects;

/**
 * Records a register history in the format {@link JsonLinesHistory} reads. Thread-safe: clients
 * record from their own threads, and each event is one line written under a lock, so file order is
 * the order the recorder saw. Record {@code invoke} before sending a request and the completion
 * after its answer arrives; that keeps file order consistent with real time.
 */
public final class JsonLinesHistoryWriter implements Closeable {
    private static final JsonFactory JSON = new JsonFactory();

    private final Writer out;

    public JsonLinesHistoryWriter(Writer out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    public void invoke(int process, RegisterInput input, long timeNanos) {
        write(process, "invoke", input, argument(input), timeNanos);
    }

    /** A definite answer. A cas that did not match is not "ok": record it with {@link #fail}. */
    public void ok(int process, RegisterInput input, RegisterOutput output, long timeNanos) {
        if (output instanceof RegisterOutput.ReadValue read) {
            write(process, "ok", input, new Argument.One(read.value()), timeNanos);
        } else if (output == RegisterOutput.Done.OK) {
            write(process, "ok", input, argument(input), timeNanos);
        } else {
            throw new IllegalArgumentException("not a definite answer: " + output);
        }
    }

    /** The op definitely did not take effect. */
    public void fail(int process, RegisterInput input, long timeNanos) {
        write(process, "fail", input, argument(input), timeNanos);
    }

    /** The outcome is unknown (timed out, connection lost): the op may or may not take effect. */
    public void info(int process, RegisterInput input, long timeNanos) {
        write(process, "info", input, argument(input), timeNanos);
    }

    private synchronized void write(int process, String type, RegisterInput input, Argument value, long timeNanos) {
        StringWriter line = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeNumberField("process", process);
            json.writeStringField("type", type);
            json.writeStringField("f", JsonLinesHistory.functionOf(input));
            json.writeStringField("key", input.key());
            json.writeFieldName("value");
            if (value instanceof Argument.Two two) {
                json.writeStartArray();
                writeValue(json, two.first());
                writeValue(json, two.second());
                json.writeEndArray();
            } else {
                writeValue(json, ((Argument.One) value).value());
            }
            json.writeNumberField("time", timeNanos);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            out.write(line.toString());
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeValue(JsonGenerator json, RegisterValue value) throws IOException {
        if (value.present()) {
            json.writeString(value.text());
        } else {
            json.writeNull();
        }
    }

    private static Argument argument(RegisterInput input) {
        if (input instanceof Write write) {
            return new Argument.One(write.value());
        }
        if (input instanceof Cas cas) {
            return new Argument.Two(cas.expected(), cas.replacement());
        }
        return new Argument.One(RegisterValue.ABSENT);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    private sealed interface Argument {
        record One(RegisterValue value) implements Argument {}

        record Two(RegisterValue first, RegisterValue second) implements Argument {}
    }
}
