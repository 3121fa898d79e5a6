package io.agentd.config;

/**
 * One configuration key as the user sees it.
 *
 * @param name         as in the YAML file and as a flag ({@code --name})
 * @param env          the environment variable that sets it
 * @param defaultValue the default, as it would be written ("" when there is none)
 * @param description  what it does, in one line
 * @param kind         how a flag or environment value is written
 * @param defaultIsText whether {@code defaultValue} describes the default in words (one worked out
 *                     at start, say) rather than being a value that could be written
 */
public record ConfigKey(String name, String env, String defaultValue, String description, Kind kind,
                        boolean defaultIsText) {
    /** A key whose default is a value. */
    public ConfigKey(String name, String env, String defaultValue, String description, Kind kind) {
        this(name, env, defaultValue, description, kind, false);
    }

    /** The shapes of values. */
    public enum Kind {
        /** One value. */
        VALUE,
        /** KEY=VALUE pairs: in the file a mapping; as a flag, repeatable or comma-separated; in the environment comma-separated. */
        MAP,
        /** A list: in the file a sequence; as a flag or in the environment comma-separated. */
        LIST
    }
}
