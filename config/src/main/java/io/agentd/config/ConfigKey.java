package io.agentd.config;

/**
 * One configuration key as the user sees it.
 *
 * @param name         as in the YAML file and as a flag ({@code --name})
 * @param env          the environment variable that sets it
 * @param defaultValue the default, as it would be written ("" when there is none)
 * @param description  what it does, in one line
 * @param kind         how a flag or environment value is written
 */
public record ConfigKey(String name, String env, String defaultValue, String description, Kind kind) {
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
