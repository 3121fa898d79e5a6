package io.agentd.jepsen.harness;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every fault and heal of a run, in order, as JSON lines; also kept for the latency plot. */
public final class Timeline implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One fault from start to heal (heal = -1 while it lasts), in ms since the run began. */
    public record Window(String fault, String detail, long startMs, long endMs) {
    }

    private final long origin;
    private final Writer out;
    private final List<Window> windows = new ArrayList<>();

    public Timeline(Path file, long originNanos) throws IOException {
        this.origin = originNanos;
        this.out = Files.newBufferedWriter(file);
    }

    public long nowMs() {
        return (System.nanoTime() - origin) / 1_000_000;
    }

    /** Records the start of a fault; returns its index for {@link #healed}. */
    public synchronized int fault(String fault, String detail) {
        long t = nowMs();
        windows.add(new Window(fault, detail, t, -1));
        write("start", fault, detail, t);
        return windows.size() - 1;
    }

    public synchronized void healed(int index) {
        Window w = windows.get(index);
        long t = nowMs();
        windows.set(index, new Window(w.fault(), w.detail(), w.startMs(), t));
        write("heal", w.fault(), w.detail(), t);
    }

    public synchronized void note(String what) {
        write("note", what, "", nowMs());
    }

    public synchronized List<Window> windows() {
        return List.copyOf(windows);
    }

    private void write(String type, String fault, String detail, long t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timeMs", t);
        m.put("type", type);
        m.put("fault", fault);
        m.put("detail", detail);
        try {
            out.write(JSON.writeValueAsString(m));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
