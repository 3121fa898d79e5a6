package io.agentd.statemachine;

import java.util.Map;

/**
 * Validation of every name and bounded value that enters the state machine, and the one
 * definition of each limit. The coordinators' services call it before proposing (to answer 400
 * early) and apply calls it again, so a bad entry in the log can never create state.
 */
public final class Names {
    // The shapes below are what these regular expressions say, checked by hand because apply runs
    // them for every command on every replica, where a regex matcher is a visible share of the CPU
    // (docs/benchmarks.md, "Measurements behind choices in the code"); NamesShapeProperties
    // compares each with its regex.
    static final Shape DNS_LABEL = new Shape(1, 63, "a-z0-9", "a-z0-9-", "a-z0-9");      // [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?
    static final Shape WORKER_ID = new Shape(1, 128, "A-Za-z0-9._-");                    // [A-Za-z0-9._-]{1,128}
    static final Shape LABEL_KEY = new Shape(1, 63, "A-Za-z0-9._/-");                    // [A-Za-z0-9._/-]{1,63}
    static final Shape LABEL_VALUE = new Shape(0, 63, "A-Za-z0-9._/-");                  // [A-Za-z0-9._/-]{0,63}
    static final Shape META_KEY = new Shape(1, 128, "A-Za-z0-9._/-");                    // [A-Za-z0-9._/-]{1,128}
    static final Shape ENV_KEY = new Shape(1, 128, "A-Za-z_", "A-Za-z0-9_", "A-Za-z0-9_"); // [A-Za-z_][A-Za-z0-9_]{0,127}
    static final Shape REQUEST_ID = new Shape(1, 64, "A-Za-z0-9._:-");                   // [A-Za-z0-9._:-]{1,64}

    /**
     * A string of {@code min..max} ASCII characters from a set, with its own sets for the first and
     * (when there are two or more) the last character. Sets are written like regex classes: single characters and ranges a-z
     * (a '-' that is last is itself).
     */
    static final class Shape {
        private final int min;
        private final int max;
        private final boolean[] first;
        private final boolean[] middle;
        private final boolean[] last;

        Shape(int min, int max, String chars) {
            this(min, max, chars, chars, chars);
        }

        Shape(int min, int max, String first, String middle, String last) {
            this.min = min;
            this.max = max;
            this.first = set(first);
            this.middle = set(middle);
            this.last = set(last);
        }

        private static boolean[] set(String spec) {
            boolean[] in = new boolean[128];
            for (int i = 0; i < spec.length(); i++) {
                char c = spec.charAt(i);
                if (i + 2 < spec.length() && spec.charAt(i + 1) == '-') {
                    for (char x = c; x <= spec.charAt(i + 2); x++) {
                        in[x] = true;
                    }
                    i += 2;
                } else {
                    in[c] = true;
                }
            }
            return in;
        }

        boolean matches(String s) {
            int n = s.length();
            if (n < min || n > max) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                boolean[] allowed = i == 0 ? first : i == n - 1 ? last : middle;
                if (c >= 128 || !allowed[c]) {
                    return false;
                }
            }
            return true; // a one-character string is checked against `first` only, as the regexes say
        }
    }

    public static final int MAX_META_VALUE = 4096;
    public static final int MAX_TEXT = 4096;
    public static final int MAX_ENV_VALUE = 32 * 1024;
    public static final int MAX_LIST = 256;
    public static final int MAX_SLOTS = 1024;
    /** Largest checkpoint an agent may save, in characters. */
    public static final int MAX_CHECKPOINT = 64 * 1024;
    /** Most agents a drain moves at once. */
    public static final int MAX_DRAIN_PARALLEL = 10_000;
    /** Largest capacity a worker may register, in slots. */
    public static final int MAX_CAPACITY_SLOTS = 1_000_000;

    private Names() {
    }

    public static String dnsLabel(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw Rejection.invalid(field + " is required");
        }
        if (!DNS_LABEL.matches(value)) {
            throw Rejection.invalid(field + " '" + abbreviate(value)
                    + "' is not a DNS label (1-63 of a-z, 0-9 and '-', starting and ending with a letter or digit)");
        }
        return value;
    }

    public static String namespace(String value) {
        return dnsLabel("namespace", value);
    }

    public static String providerName(String value) {
        return dnsLabel("provider", value);
    }

    public static final long MAX_PROVIDER_RPM = 100_000_000L;
    public static final long MAX_PROVIDER_TPM = 100_000_000_000L;
    public static final int MAX_PROVIDER_CONCURRENT = 1_000_000;
    public static final int MAX_PROVIDER_PRIORITY = 1000;
    public static final int MAX_SHARE_WEIGHT = 10_000;
    /** A thousand US dollars per thousand tokens, in millionths of a dollar. */
    public static final long MAX_PRICE_PER_1K_MICROS = 1_000_000_000L;

    /** A provider's limits as {@code agentctl provider set} gives them; the message names the field that is wrong. */
    public static io.agentd.statemachine.model.ProviderLimits providerLimits(
            io.agentd.statemachine.model.ProviderLimits l) {
        if (l.requestsPerMinute() < 1 || l.requestsPerMinute() > MAX_PROVIDER_RPM) {
            throw Rejection.invalid("requestsPerMinute must be 1 to " + MAX_PROVIDER_RPM + ", got "
                    + l.requestsPerMinute());
        }
        if (l.tokensPerMinute() < 0 || l.tokensPerMinute() > MAX_PROVIDER_TPM) {
            throw Rejection.invalid("tokensPerMinute must be 0 (no limit) to " + MAX_PROVIDER_TPM + ", got "
                    + l.tokensPerMinute());
        }
        if (l.maxConcurrent() < 0 || l.maxConcurrent() > MAX_PROVIDER_CONCURRENT) {
            throw Rejection.invalid("maxConcurrent must be 0 (no bound) to " + MAX_PROVIDER_CONCURRENT + ", got "
                    + l.maxConcurrent());
        }
        if (!l.group().isEmpty()) {
            dnsLabel("group", l.group());
        }
        if (l.priority() < 0 || l.priority() > MAX_PROVIDER_PRIORITY) {
            throw Rejection.invalid("priority must be 0 to " + MAX_PROVIDER_PRIORITY + ", got " + l.priority());
        }
        if (l.shares().size() > MAX_LIST) {
            throw Rejection.invalid("shares has more than " + MAX_LIST + " entries");
        }
        l.shares().forEach((ns, weight) -> {
            dnsLabel("shares: namespace", ns);
            if (weight == null || weight < 1 || weight > MAX_SHARE_WEIGHT) {
                throw Rejection.invalid("shares." + ns + " must be a weight of 1 to " + MAX_SHARE_WEIGHT + ", got "
                        + weight);
            }
        });
        if (l.pricePer1kTokensMicros() < 0 || l.pricePer1kTokensMicros() > MAX_PRICE_PER_1K_MICROS) {
            throw Rejection.invalid("pricePer1kTokensUsd must be 0 to 1000, got "
                    + java.math.BigDecimal.valueOf(l.pricePer1kTokensMicros(), 6).stripTrailingZeros().toPlainString());
        }
        return l;
    }

    public static String agentName(String value) {
        return dnsLabel("name", value);
    }

    public static String workerId(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw Rejection.invalid(field + " is required");
        }
        if (!WORKER_ID.matches(value)) {
            throw Rejection.invalid(field + " '" + abbreviate(value) + "' must be 1-128 of A-Z, a-z, 0-9, '.', '_' and '-'");
        }
        return value;
    }

    public static void labels(String field, Map<String, String> labels) {
        if (labels.size() > MAX_LIST) {
            throw Rejection.invalid(field + " has more than " + MAX_LIST + " entries");
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getKey() == null || !LABEL_KEY.matches(e.getKey())) {
                throw Rejection.invalid(field + " key '" + abbreviate(e.getKey()) + "' must be 1-63 of A-Z, a-z, 0-9, '.', '_', '/' and '-'");
            }
            if (e.getValue() == null || !LABEL_VALUE.matches(e.getValue())) {
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
            if (e.getKey() == null || !ENV_KEY.matches(e.getKey())) {
                throw Rejection.invalid("spec.env key '" + abbreviate(e.getKey()) + "' is not a valid environment variable name");
            }
            if (e.getValue() == null || e.getValue().length() > MAX_ENV_VALUE || e.getValue().indexOf('\0') >= 0) {
                throw Rejection.invalid("spec.env." + e.getKey() + " must be at most " + MAX_ENV_VALUE + " characters without NUL");
            }
        }
    }

    public static String metadataKey(String value) {
        if (value == null || !META_KEY.matches(value)) {
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

    // The messages below are also apply's replies, which are replicated (the dedup table keeps
    // them): changing one changes what a replayed log yields.

    public static String checkpoint(String data) {
        if (data == null || data.length() > MAX_CHECKPOINT) {
            throw Rejection.invalid("checkpoint must be at most " + MAX_CHECKPOINT + " characters");
        }
        return data;
    }

    public static int drainParallel(int maxParallel) {
        if (maxParallel < 1 || maxParallel > MAX_DRAIN_PARALLEL) {
            throw Rejection.invalid("maxParallel must be between 1 and " + MAX_DRAIN_PARALLEL + ", got " + maxParallel);
        }
        return maxParallel;
    }

    public static int capacitySlots(int slots) {
        if (slots < 0 || slots > MAX_CAPACITY_SLOTS) {
            throw Rejection.invalid("capacitySlots must be between 0 and " + MAX_CAPACITY_SLOTS + ", got " + slots);
        }
        return slots;
    }

    /** A health report's status word: one of {@code ok}, {@code degraded}, {@code unhealthy}. */
    public static String healthStatus(String status) {
        if (!io.agentd.statemachine.model.Health.known(status)) {
            throw Rejection.invalid("status must be one of ok, degraded, unhealthy; got '" + status + "'");
        }
        return status;
    }

    public static String healthProgress(String progress) {
        if (progress == null || progress.length() > io.agentd.statemachine.model.Health.MAX_PROGRESS
                || progress.indexOf('\0') >= 0) {
            throw Rejection.invalid("progress must be at most " + io.agentd.statemachine.model.Health.MAX_PROGRESS
                    + " characters without NUL");
        }
        return progress;
    }

    public static long fencingToken(long token) {
        if (token <= 0) {
            throw Rejection.invalid("fencingToken must be > 0");
        }
        return token;
    }

    /** Longest life of a token: ten years. */
    public static final long MAX_TOKEN_TTL_MILLIS = 10L * 366 * 24 * 3600 * 1000;

    /** The SHA-256 of a token's secret, as 64 lowercase hex digits. */
    public static String tokenHash(String hash) {
        if (hash == null || hash.length() != 64) {
            throw Rejection.invalid("a token hash is 64 hex digits");
        }
        for (int i = 0; i < 64; i++) {
            char c = hash.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw Rejection.invalid("a token hash is 64 lowercase hex digits");
            }
        }
        return hash;
    }

    /** A token's id: "t" and digits. */
    public static String tokenId(String id) {
        if (id == null || id.length() < 2 || id.length() > 21 || id.charAt(0) != 't') {
            throw Rejection.invalid("token id '" + abbreviate(id) + "' must be t and its number, such as t12");
        }
        for (int i = 1; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                throw Rejection.invalid("token id '" + abbreviate(id) + "' must be t and its number, such as t12");
            }
        }
        return id;
    }

    /** Returns true when the request id is well formed; null means "no id". */
    public static String requestId(String value) {
        if (value != null && !REQUEST_ID.matches(value)) {
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
