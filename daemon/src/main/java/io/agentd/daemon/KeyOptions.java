package io.agentd.daemon;

import io.agentd.config.ConfigBinder;
import io.agentd.config.ConfigKey;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The flags of a command made from its settings' keys, and the settings bound from them. */
final class KeyOptions {
    private KeyOptions() {
    }

    /** A flag for every key of {@code binder}, saying what it does, its default and its variable. */
    static void add(CommandSpec s, ConfigBinder<?> binder) {
        for (ConfigKey k : binder.keys()) {
            boolean many = k.kind() != ConfigKey.Kind.VALUE;
            s.addOption(OptionSpec.builder("--" + k.name())
                    .paramLabel(k.kind() == ConfigKey.Kind.MAP ? "K=V" : "VALUE")
                    .type(many ? String[].class : String.class)
                    .description(helpText(k))
                    .build());
        }
    }

    /** A key's line in {@code --help}; picocli formats it with {@code String.format}, so a '%' is doubled. */
    static String helpText(ConfigKey k) {
        boolean many = k.kind() != ConfigKey.Kind.VALUE;
        String text = k.description() + " (default: " + (k.defaultValue().isEmpty() ? "none" : k.defaultValue())
                + "; env " + k.env() + (many ? "; comma-separated or repeated" : "") + ")";
        return text.replace("%", "%%");
    }

    /**
     * The command's settings: {@code binder}'s defaults, then {@code file} (may be null), then the
     * environment, then the flags given. Throws ConfigException naming the key and its source.
     */
    static <T> T bind(CommandSpec spec, Path file, ConfigBinder<T> binder) {
        return binder.bind(file, System.getenv(), given(spec, binder));
    }

    /** The values given on the command line for {@code binder}'s keys: key → the values, in order. */
    static Map<String, List<String>> given(CommandSpec spec, ConfigBinder<?> binder) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (ConfigKey k : binder.keys()) {
            OptionSpec o = spec.findOption("--" + k.name());
            if (o != null && spec.commandLine().getParseResult().hasMatchedOption(o)) {
                out.put(k.name(), List.copyOf(spec.commandLine().getParseResult().matchedOption("--" + k.name())
                        .stringValues()));
            }
        }
        return out;
    }
}
