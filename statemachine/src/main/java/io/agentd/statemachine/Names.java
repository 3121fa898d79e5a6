package io.agentd.statemachine;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validation of every name and bounded value that enters the state machine. The API
 * calls it before proposing (to answer 400 early) and apply calls it again, so a bad
 * entry in the log can never create state.
 */
public final class Names {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,63}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._/-]{0,63}");
    private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,128}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public static final int MAX_META_VALUE = 4096;
    public static final int MAX_TEXT = 4096;
    public static final int MAX_ENV_VALUE = 32 * 1024;
    public static final int MAX_LIST = 256;
    public static final int MAX_SLOTS = 1024;

    private Names() {
    }

    public static String dnsLabel(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw Rejection.invalid(field + " is required");
        }
        if (!DNS_LABEL.matcher(value).matches()) {
            throw Rejection.invalid(field + " '" + abbreviate(value)
                    + "' is not a DNS label (1-63 of a-z, 0-9 and '-', starting and ending with a letter or digit)");
        }
        return value;
    }

    public static String namespace(String value) {
        return dnsLabel("namespace", value);
    }

    public static String agentName(String value) {
        return dnsLabel("name", value);
    }

    public static String workerId(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw Rejection.invalid(field + " is required");
        }
        if (!WORKER_ID.matcher(value).matches()) {
            throw Rejection.invalid(field + " '" + abbreviate(value) + "' must be 1-128 of A-Z, a-z, 0-9, '.', '_' and '-'");
        }
        return value;
    }

    public static void labels(String field, Map<String, String> labels) {
        if (labels.size() > MAX_LIST) {
            throw Rejection.invalid(field + " has more than " + MAX_LIST + " entries");
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getKey() == null || !LABEL_KEY.matcher(e.getKey()).matches()) {
                throw Rejection.invalid(field + " key '" + abbreviate(e.getKey()) + "' must be 1-63 of A-Z, a-z, 0-9, '.', '_', '/' and '-'");
            }
            if (e.getValue() == null || !LABEL_VALUE.matcher(e.getValue()).matches()) {
                throw Rejection.invalid(field + "." + e.getKey() + " value '" + abbreviate(e.getValue())
                        + "' must be at most 63 of A-Z, a-z, 0-9, '.', '_', '/' and '-'");
            }
        }
    }

    public static void env(Map<String, String> env) {
        if (env.size() > MAX_LIST) {
            throw Rejection.invalid("spec.env has more than " + MAX_LIST + " entries");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey() == null || !ENV_KEY.matcher(e.getKey()).matches()) {
                throw Rejection.invalid("spec.env key '" + abbreviate(e.getKey()) + "' is not a valid environment variable name");
            }
            if (e.getValue() == null || e.getValue().length() > MAX_ENV_VALUE || e.getValue().indexOf('\0') >= 0) {
                throw Rejection.invalid("spec.env." + e.getKey() + " must be at most " + MAX_ENV_VALUE + " characters without NUL");
            }
        }
    }

    public static String metadataKey(String value) {
        if (value == null || !META_KEY.matcher(value).matches()) {
            throw Rejection.invalid("metadata key '" + abbreviate(value) + "' must be 1-128 of A-Z, a-z, 0-9, '.', '_', '/' and '-'");
        }
        return value;
    }

    public static String metadataValue(String value) {
        if (value == null) {
            throw Rejection.invalid("value is required");
        }
        if (value.length() > MAX_META_VALUE) {
            throw Rejection.invalid("value is longer than " + MAX_META_VALUE + " characters");
        }
        return value;
    }

    public static String text(String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                throw Rejection.invalid(field + " is required");
            }
            return value;
        }
        if (value.length() > MAX_TEXT || value.indexOf('\0') >= 0) {
            throw Rejection.invalid(field + " must be at most " + MAX_TEXT + " characters without NUL");
        }
        return value;
    }

    /** Returns true when the request id is well formed; null means "no id". */
    public static String requestId(String value) {
        if (value != null && !REQUEST_ID.matcher(value).matches()) {
            throw Rejection.invalid("Idempotency-Key must be 1-64 of A-Z, a-z, 0-9, '.', '_', ':' and '-'");
        }
        return value;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
