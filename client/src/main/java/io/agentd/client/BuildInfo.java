package io.agentd.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this build and the git commit it was built from, as the build wrote them into
 * {@code build.properties}: one source for {@code agentd --version}, {@code agentctl version} and
 * what a server reports of itself.
 */
public final class BuildInfo {
    private static final String UNKNOWN = "unknown";
    private static final Properties PROPS = load();

    private BuildInfo() {
    }

    /** The project's version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when run from unfiltered classes. */
    public static String version() {
        return value("version");
    }

    /**
     * The abbreviated commit, with {@code -dirty} when the work tree had uncommitted changes;
     * {@code unknown} for a build outside a git work tree.
     */
    public static String commit() {
        String commit = value("commit");
        return !commit.equals(UNKNOWN) && "true".equals(PROPS.getProperty("dirty")) ? commit + "-dirty" : commit;
    }

    /** {@code VERSION (commit COMMIT)}: the line {@code --version} prints after the program's name. */
    public static String describe() {
        return version() + " (commit " + commit() + ")";
    }

    private static String value(String key) {
        String v = PROPS.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? UNKNOWN : v.strip();
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no build information: every value reads as unknown
        }
        return p;
    }
}
