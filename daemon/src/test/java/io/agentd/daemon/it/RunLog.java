package io.agentd.daemon.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run log a test agent appends to while it runs: lines {@code token worker epoch-millis}.
 * An instance is one token; its interval spans its first to its last line. Exclusivity holds
 * when the instances, ordered by their first line, never overlap and their tokens grow.
 */
final class RunLog {
    /** One instance of the agent: its token, worker and the span of its lines. */
    record Instance(long token, String worker, long first, long last) {
    }

    /** The bash snippet that writes such a log ten times a second into {@code dir/<agent name>}. */
    static String agentScript(Path dir) {
        return "while true; do echo \\\"$AGENTD_FENCING_TOKEN $AGENTD_WORKER_ID $(date +%s%3N)\\\" >> "
                + dir + "/$AGENTD_AGENT_NAME; sleep 0.1; done";
    }

    /** The spawn request of an agent {@code name} that writes such a log into {@code dir}. */
    static String spawnBody(String name, Path dir) {
        return "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"/bin/bash\",\"args\":[\"-c\",\""
                + agentScript(dir) + "\"]}}";
    }

    static List<Instance> read(Path file) throws IOException {
        Map<Long, Instance> byToken = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split(" ");
            if (f.length != 3) {
                continue; // a line cut short by a kill
            }
            long token = Long.parseLong(f[0]);
            long t = Long.parseLong(f[2]);
            byToken.merge(token, new Instance(token, f[1], t, t), (a, b) -> {
                if (!a.worker().equals(b.worker())) {
                    throw new AssertionError(file + ": token " + token + " ran on " + a.worker() + " and " + b.worker());
                }
                return new Instance(token, a.worker(), Math.min(a.first(), b.first()), Math.max(a.last(), b.last()));
            });
        }
        List<Instance> out = new ArrayList<>(byToken.values());
        out.sort(Comparator.comparingLong(Instance::first));
        return out;
    }

    /** Null when no two instances overlap in time and tokens grow; else what went wrong. */
    static String violation(Path file) throws IOException {
        List<Instance> all = read(file);
        for (int i = 1; i < all.size(); i++) {
            Instance prev = all.get(i - 1);
            Instance next = all.get(i);
            if (next.first() <= prev.last()) {
                return file.getFileName() + ": " + prev + " and " + next + " ran at the same time";
            }
            if (next.token() <= prev.token()) {
                return file.getFileName() + ": token " + next.token() + " ran after " + prev.token();
            }
        }
        return null;
    }
}
