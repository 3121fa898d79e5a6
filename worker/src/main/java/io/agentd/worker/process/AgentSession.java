package io.agentd.worker.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM's own view of an agent's session (session id = the agent's pid), read from
 * {@code /proc}: the last line of defence when the watchdog and its guard are both gone.
 *
 * <p>A session id stays taken while any process of the session lives, so it can only mean
 * someone else once the session is empty and the number went to a new process; that process
 * then shows another start time than the agent's, and nothing is touched.
 */
final class AgentSession {
    private static final Path PROC = Path.of("/proc");

    private AgentSession() {
    }

    /** Fields of /proc/PID/stat after the command name; null if there is no such process. */
    private static String[] stat(long pid) {
        String text;
        try {
            text = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat")),
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
        int close = text.lastIndexOf(')');
        String[] fields = text.substring(close + 1).trim().split(" ");
        return fields.length > 19 ? fields : null;
    }

    /** The start time of a process in clock ticks since boot, or -1 if it is gone. */
    static long startTicks(long pid) {
        String[] f = stat(pid);
        return f == null ? -1 : Long.parseLong(f[19]);
    }

    /** Whether pid lives and is not a zombie. */
    static boolean alive(long pid) {
        String[] f = stat(pid);
        return f != null && !f[0].equals("Z") && !f[0].equals("X");
    }

    /** Live processes of session {@code sid}, whose leader started at {@code leaderStart} (-1: unknown). */
    static List<Long> members(long sid, long leaderStart) {
        List<Long> members = new ArrayList<>();
        String[] leader = stat(sid);
        if (leader != null && Long.parseLong(leader[19]) != leaderStart) {
            return members; // the number belongs to someone else now
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                String[] f = stat(pid);
                if (f != null && f[3].equals(Long.toString(sid)) && !f[0].equals("Z") && !f[0].equals("X")) {
                    members.add(pid);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return members;
    }

    /**
     * Sends SIGKILL to every live process of the session until none is left or {@code withinMillis}
     * have passed. Returns how many processes it found on the first look.
     */
    static int killAll(long sid, long leaderStart, long withinMillis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMillis);
        List<Long> members = members(sid, leaderStart);
        int found = members.size();
        while (!members.isEmpty() && System.nanoTime() < until) {
            // ProcessHandle checks the start time before it signals, so a reused pid is spared.
            members.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            members = members(sid, leaderStart);
        }
        return found;
    }
}
