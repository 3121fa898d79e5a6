package io.agentd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentd.worker.WorkerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * The YAML file of {@code agentd worker --config}: {@code key: value} pairs, the flag names
 * without dashes; {@code label} may be a mapping, {@code servers} a list. Unknown keys are errors.
 */
public final class WorkerConfigFile {
    private WorkerConfigFile() {
    }

    /** Sets every key of {@code file} on {@code config}; errors name the file and the key. */
    public static void load(WorkerConfig config, Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a mapping of key: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String text;
            if (v.isObject()) {
                StringBuilder sb = new StringBuilder();
                v.fields().forEachRemaining(f -> sb.append(sb.length() == 0 ? "" : ",").append(f.getKey()).append('=')
                        .append(f.getValue().asText()));
                text = sb.toString();
            } else if (v.isArray()) {
                StringBuilder sb = new StringBuilder();
                v.forEach(x -> sb.append(sb.length() == 0 ? "" : ",").append(x.asText()));
                text = sb.toString();
            } else if (v.isValueNode() && !v.isNull()) {
                text = v.asText();
            } else {
                throw new ConfigException(file + ": " + e.getKey() + ": expected a value");
            }
            try {
                config.set(e.getKey(), text, file.toString());
            } catch (IllegalArgumentException bad) {
                throw new ConfigException(bad.getMessage());
            }
        }
    }
}
