package io.agentd.jepsen.history;

/** A line of a history file being parsed: makes exceptions that point at it. */
record SourceLine(String source, int line) {
    MalformedHistoryException of(String problem) {
        return new MalformedHistoryException(source, line, problem);
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
