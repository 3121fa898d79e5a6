package io.agentd.bench;

import io.agentd.client.ApiDurations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --flag value} (or {@code --flag=value}) arguments. Boolean flags take no value.
 * Every flag given must be read by the tool, or {@link #finish()} rejects it by name.
 */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    private Args() {
    }

    /** @param booleans flags without a value, e.g. {@code keep} for {@code --keep} */
    static Args parse(String[] argv, Set<String> booleans) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("expected --flag, got '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (booleans.contains(name) || name.equals("help")) {
                value = "true";
            } else if (i + 1 < argv.length) {
                value = argv[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (a.values.put(name, value) != null) {
                throw new IllegalArgumentException("--" + name + " given twice");
            }
        }
        return a;
    }

    boolean help() {
        read.add("help");
        return values.containsKey("help");
    }

    String string(String name, String def) {
        read.add(name);
        String v = values.get(name);
        if (v == null && def == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v == null ? def : v;
    }

    int integer(String name, int def) {
        String v = string(name, Integer.toString(def));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a whole number: " + v);
        }
    }

    double decimal(String name, double def) {
        String v = string(name, Double.toString(def));
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: " + v);
        }
    }

    Duration duration(String name, String def) {
        String v = string(name, def);
        try {
            return ApiDurations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
        }
    }

    boolean flag(String name) {
        read.add(name);
        return Boolean.parseBoolean(values.getOrDefault(name, "false"));
    }

    /** A comma-separated list of whole numbers, e.g. {@code 1000,2000,5000}. */
    List<Integer> integers(String name, String def) {
        List<Integer> out = new ArrayList<>();
        for (String part : string(name, def).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + ": not a whole number: " + part);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--" + name + " is empty");
        }
        return out;
    }

    /** Rejects flags no one read. */
    void finish() {
        for (String name : values.keySet()) {
            if (!read.contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name);
            }
        }
    }
}
