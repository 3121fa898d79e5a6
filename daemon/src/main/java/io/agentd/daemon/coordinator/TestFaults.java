package io.agentd.daemon.coordinator;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;

import java.util.ArrayList;
import java.util.List;

/**
 * Faults that tests switch on in a server process with a system property, to show that the
 * checks meant to catch them do. Never on unless {@code -Dagentd.test.fault=...} is given
 * (through {@code AGENTD_JAVA_OPTS} or a test's command line); docs/testing.md lists them.
 */
final class TestFaults {
    /**
     * {@code agentd.test.fault=diverge-metadata}: this replica applies every metadata value with
     * a {@code ~} appended, so its state silently differs from its peers' (what a rule applied
     * differently by two builds would do). {@code agentctl cluster check} must name it.
     */
    static final boolean DIVERGE_METADATA = "diverge-metadata".equals(System.getProperty("agentd.test.fault"));

    private TestFaults() {
    }

    static byte[] divergeMetadata(byte[] entry) {
        List<Envelope> batch = CommandCodec.decodeBatch(entry);
        boolean changed = false;
        List<Envelope> out = new ArrayList<>(batch.size());
        for (Envelope e : batch) {
            if (e.command() instanceof Command.SetMetadata m) {
                out.add(new Envelope(e.requestId(), e.actor(), e.role(), e.remote(), new Command.SetMetadata(
                        m.namespace(), m.name(), m.key(), m.value() + "~", m.ifVersion())));
                changed = true;
            } else {
                out.add(e);
            }
        }
        return changed ? CommandCodec.encodeBatch(out) : entry;
    }
}
