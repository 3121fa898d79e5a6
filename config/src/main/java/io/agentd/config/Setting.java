package io.agentd.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public field of a settings class as a configuration key. The key is the field's name
 * in kebab case ({@code dataDir} is {@code data-dir}) unless {@link #name} says otherwise, in the
 * YAML file and as a flag, and upper snake case after the binder's prefix in the environment
 * ({@code AGENTD_DATA_DIR}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Setting {
    /** What the key does, in one line: shown by {@code --help}. */
    String value();

    /** The key, when it is not the field's name in kebab case. */
    String name() default "";

    /** How {@code --help} shows the default, when it is not a value (say, one worked out at start). */
    String defaultText() default "";
}
