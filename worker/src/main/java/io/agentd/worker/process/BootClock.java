package io.agentd.worker.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's boot clock in milliseconds, as {@code /proc/uptime} shows it (10 ms steps).
 * The watchdog reads the same file, so a deadline on this clock means the same instant on
 * both sides of the pipe. It never jumps with the wall clock and keeps counting through a
 * suspend, which errs on the side of an expired lease.
 */
final class BootClock {
    private static final Path UPTIME = Path.of("/proc/uptime");

    private BootClock() {
    }

    static long millis() {
        String text;
        try {
            text = new String(Files.readAllBytes(UPTIME), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + UPTIME, e);
        }
        return parse(text);
    }

    /** "350735.47 1384715.23" to 350735470. */
    static long parse(String uptime) {
        int end = uptime.indexOf(' ');
        String seconds = (end < 0 ? uptime : uptime.substring(0, end)).trim();
        int dot = seconds.indexOf('.');
        if (dot < 0) {
            return Long.parseLong(seconds) * 1000;
        }
        String fraction = (seconds.substring(dot + 1) + "000").substring(0, 3);
        return Long.parseLong(seconds.substring(0, dot)) * 1000 + Integer.parseInt(fraction);
    }
}
