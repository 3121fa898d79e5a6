package io.agentd.jepsen.history;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one flat EDN map with keyword keys, as Jepsen prints history events:
 * {@code {:process 3, :type :ok, :f :append, :key "4", :value "x 3 17 y"}}. Values may be nil,
 * booleans, integers, keywords and strings; nested collections are not needed by these histories
 * and are rejected.
 */
final class EdnMapReader {
    /** EDN's nil, kept distinct from Java's null so maps never hold nulls. */
    enum Nil { NIL }

    /** A keyword value, without its colon. */
    record Keyword(String name) {
        @Override
        public String toString() {
            return ":" + name;
        }
    }

    /** Thrown for text that is not such a map; the caller adds the line number. */
    static final class EdnSyntaxException extends Exception {
        EdnSyntaxException(String message) {
            super(message);
        }
    }

    private final String text;
    private int pos;

    private EdnMapReader(String text) {
        this.text = text;
    }

    /** Keys are keyword names without the colon; values are Nil, Boolean, Long, Keyword or String. */
    static Map<String, Object> read(String text) throws EdnSyntaxException {
        EdnMapReader reader = new EdnMapReader(text);
        Map<String, Object> map = reader.map();
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw reader.error("unexpected text after the map");
        }
        return map;
    }

    private Map<String, Object> map() throws EdnSyntaxException {
        skipWhitespace();
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            Object key = value();
            if (!(key instanceof Keyword keyword)) {
                throw error("map keys must be keywords");
            }
            skipWhitespace();
            if (peek() == '}') {
                throw error("no value for " + keyword);
            }
            if (map.put(keyword.name(), value()) != null) {
                throw error("duplicate key " + keyword);
            }
        }
    }

    private Object value() throws EdnSyntaxException {
        skipWhitespace();
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == ':') {
            pos++;
            String name = token();
            if (name.isEmpty()) {
                throw error("empty keyword");
            }
            return new Keyword(name);
        }
        if (c == '{' || c == '[' || c == '(' || c == '#') {
            throw error("nested collections are not supported");
        }
        String token = token();
        switch (token) {
            case "nil":
                return Nil.NIL;
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            default:
                try {
                    return Long.parseLong(token.endsWith("N") ? token.substring(0, token.length() - 1) : token);
                } catch (NumberFormatException e) {
                    throw error("unreadable value " + (token.isEmpty() ? "'" + c + "'" : token));
                }
        }
    }

    private String string() throws EdnSyntaxException {
        pos++;
        StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char escaped = text.charAt(pos++);
            switch (escaped) {
                case '"', '\\' -> out.append(escaped);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException e) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("unknown escape \\" + escaped);
            }
        }
        throw error("unterminated string");
    }

    /** A symbol-like token: up to whitespace, a comma or a delimiter. */
    private String token() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == ',' || c == '}' || c == '{' || c == '"' || c == '[' || c == ']') {
                break;
            }
            pos++;
        }
        return text.substring(start, pos);
    }

    private void skipWhitespace() {
        // Commas are whitespace in EDN.
        while (pos < text.length() && (Character.isWhitespace(text.charAt(pos)) || text.charAt(pos) == ',')) {
            pos++;
        }
    }

    private char peek() throws EdnSyntaxException {
        if (pos >= text.length()) {
            throw error("unexpected end of line");
        }
        return text.charAt(pos);
    }

    private void expect(char c) throws EdnSyntaxException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private EdnSyntaxException error(String message) {
        return new EdnSyntaxException(message + " at column " + (pos + 1));
    }
}
