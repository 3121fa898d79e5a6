package io.agentd.jepsen.history;

import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterInput.Cas;
import io.agentd.jepsen.model.RegisterInput.Read;
import io.agentd.jepsen.model.RegisterInput.Write;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Jepsen 0.0.x console log of one compare-and-set register (Knossos' etcd histories):
 * {@code INFO  jepsen.util - <process> <type> <f> <value>}, one event per line in real-time order.
 *
 * <p>Semantics: {@code :ok} and {@code :fail} pair with the process's last open {@code :invoke};
 * {@code :info} (timed out) leaves the op open, so it returns at the end with an unknown output;
 * {@code :fail :cas} is a completed cas that did not match; {@code :fail :read} is a read with an
 * unknown result; {@code :fail :write} did not take effect. Times are line numbers.
 */
public final class JepsenLogParser {
    /** The register's key in parsed ops: these logs have a single register. */
    public static final String KEY = "register";

    private static final Pattern EVENT = Pattern.compile(
            "^(?:.*\\s)?jepsen\\.util\\s+-\\s+(-?\\d+)\\s+:(invoke|ok|fail|info)\\s+:(read|write|cas)\\s+(.+?)\\s*$");
    private static final Pattern CAS_ARGS = Pattern.compile("\\[\\s*(-?\\d+|nil)[\\s,]+(-?\\d+|nil)\\s*]");
    private static final String TIMED_OUT = ":timed-out";

    private JepsenLogParser() {}

    public static List<Op<RegisterInput, RegisterOutput>> parse(String source, List<String> lines)
            throws MalformedHistoryException {
        HistoryBuilder<RegisterInput, RegisterOutput> history = new HistoryBuilder<>(source, RegisterOutput.Unknown.UNKNOWN);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank()) {
                parseLine(source, line, i + 1, history);
            }
        }
        return history.build();
    }

    private static void parseLine(
            String source, String line, int lineNumber, HistoryBuilder<RegisterInput, RegisterOutput> history)
            throws MalformedHistoryException {
        Matcher event = EVENT.matcher(line);
        if (!event.matches()) {
            throw new MalformedHistoryException(source, lineNumber,
                    "not a Jepsen event (INFO jepsen.util - <process> <:invoke|:ok|:fail|:info> <:read|:write|:cas> <value>): "
                            + SourceLine.abbreviate(line));
        }
        int process;
        try {
            process = Integer.parseInt(event.group(1));
        } catch (NumberFormatException e) {
            throw new MalformedHistoryException(source, lineNumber, "process id out of range: " + event.group(1));
        }
        String type = event.group(2);
        String f = event.group(3);
        String value = event.group(4);
        SourceLine problem = new SourceLine(source, lineNumber);
        if (type.equals("invoke")) {
            history.invoke(process, invocation(f, value, problem), lineNumber);
            return;
        }
        RegisterInput invoked = history.openInput(process)
                .orElseThrow(() -> problem.of("process " + process + " has no open invocation for this :" + type));
        if (!f.equals(functionOf(invoked))) {
            throw problem.of(":" + type + " :" + f + " answers an open :" + functionOf(invoked));
        }
        switch (type) {
            case "info" -> {
                // Timed out: the op stays open and ends with the history (it may or may not have happened).
            }
            case "ok" -> history.complete(process, okOutput(invoked, value, problem), lineNumber, lineNumber);
            default -> failed(process, invoked, value, lineNumber, history, problem);
        }
    }

    private static void failed(
            int process, RegisterInput invoked, String value, int lineNumber,
            HistoryBuilder<RegisterInput, RegisterOutput> history, SourceLine problem) throws MalformedHistoryException {
        if (invoked instanceof Read) {
            history.complete(process, RegisterOutput.Unknown.UNKNOWN, lineNumber, lineNumber);
        } else if (invoked instanceof Cas) {
            requireSameValue(invoked, value, problem);
            history.complete(process, RegisterOutput.CasMismatch.MISMATCH, lineNumber, lineNumber);
        } else {
            history.discard(process, lineNumber);
        }
    }

    private static RegisterInput invocation(String f, String value, SourceLine problem) throws MalformedHistoryException {
        return switch (f) {
            case "read" -> {
                if (!value.equals("nil")) {
                    throw problem.of(":invoke :read takes nil, not " + value);
                }
                yield new Read(KEY);
            }
            case "write" -> new Write(KEY, number(value, problem));
            default -> casArguments(value, problem);
        };
    }

    private static RegisterOutput okOutput(RegisterInput invoked, String value, SourceLine problem)
            throws MalformedHistoryException {
        if (invoked instanceof Read) {
            return RegisterOutput.read(value.equals("nil") ? RegisterValue.ABSENT : number(value, problem));
        }
        requireSameValue(invoked, value, problem);
        return RegisterOutput.Done.OK;
    }

    private static void requireSameValue(RegisterInput invoked, String value, SourceLine problem)
            throws MalformedHistoryException {
        RegisterInput answered = invoked instanceof Write ? new Write(KEY, number(value, problem)) : casArguments(value, problem);
        if (!answered.equals(invoked)) {
            throw problem.of("the answer's value " + value + " differs from the invocation's (" + invoked + ")");
        }
    }

    private static Cas casArguments(String value, SourceLine problem) throws MalformedHistoryException {
        Matcher args = CAS_ARGS.matcher(value);
        if (!args.matches()) {
            throw problem.of(":cas takes [expected new], not " + value);
        }
        return new Cas(KEY, numberOrNil(args.group(1), problem), numberOrNil(args.group(2), problem));
    }

    private static RegisterValue numberOrNil(String text, SourceLine problem) throws MalformedHistoryException {
        return text.equals("nil") ? RegisterValue.ABSENT : number(text, problem);
    }

    private static RegisterValue number(String text, SourceLine problem) throws MalformedHistoryException {
        if (text.equals(TIMED_OUT)) {
            throw problem.of(":timed-out only goes with :info, or :fail :read");
        }
        try {
            return RegisterValue.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw problem.of("expected an integer, not " + SourceLine.abbreviate(text));
        }
    }

    private static String functionOf(RegisterInput input) {
        return input instanceof Read ? "read" : input instanceof Write ? "write" : "cas";
    }

}
