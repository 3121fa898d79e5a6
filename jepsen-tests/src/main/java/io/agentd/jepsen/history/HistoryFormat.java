package io.agentd.jepsen.history;

import io.agentd.jepsen.model.CasRegisterModel;
import io.agentd.jepsen.model.KvStoreModel;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The history file formats, told apart by their first non-blank line. */
public enum HistoryFormat {
    /** Jepsen console log of one cas register: lines containing {@code jepsen.util}. See {@link JepsenLogParser}. */
    JEPSEN_LOG("jepsen-log"),
    /** EDN maps of a string key-value store: lines starting {@code {:process}. See {@link EdnKvParser}. */
    EDN_KV("edn-kv"),
    /** agentd's JSON lines of cas registers: lines starting <code>{"</code>. See {@link JsonLinesHistory}. */
    JSON_LINES("json-lines");

    private final String displayName;

    HistoryFormat(String displayName) {
        this.displayName = displayName;
    }

    public static HistoryFormat detect(String source, List<String> lines) throws MalformedHistoryException {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.contains("jepsen.util")) {
                return JEPSEN_LOG;
            }
            if (line.startsWith("{:process") || line.startsWith("{:")) {
                return EDN_KV;
            }
            if (line.startsWith("{\"")) {
                return JSON_LINES;
            }
            throw new MalformedHistoryException(source, i + 1,
                    "unknown history format: expected a Jepsen log (jepsen.util lines), EDN maps ({:process ...}) "
                            + "or JSON lines ({\"process\": ...), not: " + SourceLine.abbreviate(line));
        }
        throw new MalformedHistoryException(source, 0, "empty history: no events");
    }

    public ParsedHistory<?, ?, ?> parse(String source, List<String> lines) throws MalformedHistoryException {
        return switch (this) {
            case JEPSEN_LOG -> new ParsedHistory<>(this, CasRegisterModel.INSTANCE, JepsenLogParser.parse(source, lines));
            case EDN_KV -> new ParsedHistory<>(this, KvStoreModel.INSTANCE, EdnKvParser.parse(source, lines));
            case JSON_LINES -> new ParsedHistory<>(this, CasRegisterModel.INSTANCE, JsonLinesHistory.parse(source, lines));
        };
    }

    /** Reads a history file of any format. */
    public static ParsedHistory<?, ?, ?> load(Path file) throws IOException, MalformedHistoryException {
        String source = file.toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new MalformedHistoryException(source, 0, "not UTF-8 text");
        }
        return detect(source, lines).parse(source, lines);
    }

    @Override
    public String toString() {
        return displayName;
    }
}
