package io.agentd.jepsen.history;

import java.util.Objects;

/** A history file that does not parse, or whose events do not pair up; names the file and line. */
public final class MalformedHistoryException extends Exception {
    private final String source;
    private final int line;

    public MalformedHistoryException(String source, int line, String problem) {
        super(source + (line > 0 ? ":" + line : "") + ": " + Objects.requireNonNull(problem, "problem"));
        this.source = Objects.requireNonNull(source, "source");
        this.line = line;
    }

    public String source() {
        return source;
    }

    /** 1-based; 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }
}
