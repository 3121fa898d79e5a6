package io.agentd.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public field of a settings class as a configuration key. The key is the field's name
 * in kebab case ({@code dataDir} is {@code data-dir}) in the YAML file and as a flag, and upper
 * snake case after the binder's prefix in the environment ({@code AGENTD_DATA_DIR}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Setting {
    /** What the key does, in one line: shown by {@code --help}. */
    String value();
}
