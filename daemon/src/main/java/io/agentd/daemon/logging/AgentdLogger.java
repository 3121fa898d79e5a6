package io.agentd.daemon.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger: asks {@link LogOutput} whether a level is on (cached per settings) and writes there. */
final class AgentdLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private transient volatile long generation;
    private transient volatile int threshold;

    AgentdLogger(String name) {
        this.name = name;
        this.generation = -1;
    }

    private boolean on(int rank) {
        long g = LogOutput.generation();
        if (g != generation) {
            threshold = LogOutput.threshold(name);
            generation = g;
        }
        return rank >= threshold;
    }

    @Override
    public boolean isTraceEnabled() {
        return on(0);
    }

    @Override
    public boolean isDebugEnabled() {
        return on(1);
    }

    @Override
    public boolean isInfoEnabled() {
        return on(2);
    }

    @Override
    public boolean isWarnEnabled() {
        return on(3);
    }

    @Override
    public boolean isErrorEnabled() {
        return on(4);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        if (!on(LogOutput.rank(level))) {
            return;
        }
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        LogOutput.write(level, name, message, throwable);
    }
}
