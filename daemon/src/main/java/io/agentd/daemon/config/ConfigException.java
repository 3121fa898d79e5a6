package io.agentd.daemon.config;

/** A bad configuration value; the message names the key, where it came from and why. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
