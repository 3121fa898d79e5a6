package io.agentd.config;

/**
 * A bad configuration value. The message names the key, where the value came from (the file,
 * the environment variable or the flag) and why it is wrong.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    /** A problem with no single key (a file that cannot be read, two keys that disagree). */
    public ConfigException(String message) {
        this(null, message);
    }

    /** A problem with {@code key}; the binder adds where its value came from. */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The key at fault, or null. */
    public String key() {
        return key;
    }
}
