package io.agentd.jepsen;

import io.agentd.jepsen.checker.CheckOptions;
import io.agentd.jepsen.checker.CheckResult;
import io.agentd.jepsen.checker.FailingPrefixMinimizer;
import io.agentd.jepsen.checker.FailingPrefixMinimizer.FailingPrefix;
import io.agentd.jepsen.checker.LinearizabilityChecker;
import io.agentd.jepsen.checker.PartitionResult;
import io.agentd.jepsen.checker.GaveUp;
import io.agentd.jepsen.history.HistoryFormat;
import io.agentd.jepsen.history.MalformedHistoryException;
import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.history.ParsedHistory;
import io.agentd.jepsen.model.Model;
import io.agentd.jepsen.model.Partition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The {@code check-history} command: checks one history file for linearizability. */
public final class CheckHistory {
    public static final int LINEARIZABLE = 0;
    public static final int NOT_LINEARIZABLE = 1;
    public static final int MALFORMED = 2;
    public static final int UNKNOWN = 3;

    static final String USAGE = """
            usage: check-history [--timeout SECONDS] [--quiet] FILE

            Checks a recorded history for linearizability, per key (WGL search). The format is told
            apart by content: a Jepsen console log (lines with "jepsen.util"; one cas register),
            EDN maps ("{:process ..."; a get/put/append string store) or agentd's JSON lines
            ("{\"process\": ..."; cas registers by key).

            When not linearizable, it shows the failing key, where the search got stuck and the
            shortest failing prefix of that key's history (unless --quiet); finding that prefix
            gets the time budget again.

              --timeout SECONDS  time budget for the check (default 60)
              --quiet            print only the verdict line

            Exit status: 0 linearizable, 1 not linearizable, 2 malformed file or bad usage,
                         3 undecided (the time budget or the heap ran out).
            """;

    private static final int MAX_OPS_SHOWN = 40;

    private CheckHistory() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Duration timeout = CheckOptions.DEFAULT_TIMEOUT;
        boolean quiet = false;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return LINEARIZABLE;
                }
                case "-q", "--quiet" -> quiet = true;
                case "--timeout" -> {
                    if (i + 1 >= args.length) {
                        return usageError(err, "--timeout needs a number of seconds");
                    }
                    try {
                        timeout = Duration.ofMillis(Math.round(Double.parseDouble(args[++i]) * 1000));
                    } catch (NumberFormatException e) {
                        return usageError(err, "--timeout needs a number of seconds, not " + args[i]);
                    }
                    if (timeout.isNegative() || timeout.isZero()) {
                        return usageError(err, "--timeout must be positive");
                    }
                }
                default -> {
                    if (file != null || (args[i].startsWith("-") && args[i].length() > 1)) {
                        return usageError(err, "unexpected argument " + args[i]);
                    }
                    file = args[i];
                }
            }
        }
        if (file == null) {
            return usageError(err, "no history file given");
        }
        ParsedHistory<?, ?, ?> history;
        try {
            history = HistoryFormat.load(Path.of(file));
        } catch (MalformedHistoryException e) {
            err.println("check-history: malformed history: " + e.getMessage());
            return MALFORMED;
        } catch (NoSuchFileException e) {
            err.println("check-history: " + file + ": no such file");
            return MALFORMED;
        } catch (IOException e) {
            err.println("check-history: " + file + ": cannot read: " + e);
            return MALFORMED;
        }
        return check(file, history, CheckOptions.withTimeout(timeout), quiet, out);
    }

    private static <S, I, O> int check(
            String file, ParsedHistory<S, I, O> history, CheckOptions options, boolean quiet, PrintStream out) {
        CheckResult<I, O> result = LinearizabilityChecker.check(history.model(), history.ops(), options);
        int keys = result.partitions().size();
        out.printf(Locale.ROOT, "%s: %s (%s, %d ops on %d key%s, %.2f s)%n", file,
                result.verdict().toString().replace('_', ' '), history.format(), history.ops().size(),
                keys, keys == 1 ? "" : "s", result.elapsed().toMillis() / 1000.0);
        switch (result.verdict()) {
            case LINEARIZABLE:
                return LINEARIZABLE;
            case UNKNOWN:
                if (!quiet) {
                    out.println("  undecided: " + undecided(result));
                }
                return UNKNOWN;
            default:
                if (!quiet) {
                    List<PartitionResult<I, O>> failures = result.failures();
                    out.println("  keys not linearizable: " + failures.stream().map(PartitionResult::name).toList());
                    String undecided = undecided(result);
                    if (!undecided.isEmpty()) {
                        out.println("  undecided: " + undecided);
                    }
                    report(history.model(), failures.get(0), options, out);
                }
                return NOT_LINEARIZABLE;
        }
    }

    /** The keys left without a verdict, with the reason, e.g. "[0, 5] (the time budget ran out)". */
    private static <I, O> String undecided(CheckResult<I, O> result) {
        Map<GaveUp, List<String>> byReason = new EnumMap<>(GaveUp.class);
        for (PartitionResult<I, O> p : result.partitions()) {
            p.gaveUp().ifPresent(reason -> byReason.computeIfAbsent(reason, r -> new ArrayList<>()).add(p.name()));
        }
        StringJoiner text = new StringJoiner("; ");
        byReason.forEach((reason, keys) -> text.add(keys + " (" + reason + ")"));
        return text.toString();
    }

    private static <S, I, O> void report(
            Model<S, I, O> model, PartitionResult<I, O> failure, CheckOptions options, PrintStream out) {
        out.printf("key %s (%d ops):%n", failure.name(), failure.ops().size());
        out.printf("  the longest linearizable order found has %d ops and leaves state %s;%n"
                        + "  it cannot get past the return of%n    %s%n",
                failure.linearization().size(), failure.stateWhenStuck().orElse("?"),
                failure.stuckAt().map(Op::toString).orElse("?"));
        FailingPrefix<I, O> prefix = FailingPrefixMinimizer.shortestFailingPrefix(
                model, new Partition<>(failure.name(), failure.ops()), options);
        out.printf("  %s: %d ops, cut after return #%d (ops still running there count as unknown, \"end\"):%n",
                prefix.minimal() ? "the shortest failing prefix" : "a failing prefix (not minimized: out of time)",
                prefix.ops().size(), prefix.returns());
        List<Op<I, O>> ops = prefix.ops();
        int from = Math.max(0, ops.size() - MAX_OPS_SHOWN);
        if (from > 0) {
            out.printf("    ... %d earlier ops%n", from);
        }
        for (Op<I, O> op : ops.subList(from, ops.size())) {
            out.println("    " + op);
        }
    }

    private static int usageError(PrintStream err, String problem) {
        err.println("check-history: " + problem);
        err.print(USAGE);
        return MALFORMED;
    }
}
