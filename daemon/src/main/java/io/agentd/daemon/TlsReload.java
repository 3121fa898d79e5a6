package io.agentd.daemon;

import io.agentd.daemon.tls.ServerTlsFiles;
import sun.misc.Signal;

import java.io.PrintWriter;

/**
 * SIGHUP reads a server's TLS files again (certificate rotation without a restart): new
 * connections of the API, Raft and fast failover use the new ones, open connections keep theirs.
 * Files that cannot be used change nothing; the reason goes to stderr. Installed only on a server
 * with TLS: elsewhere SIGHUP stops the JVM as it always did.
 */
final class TlsReload {
    private TlsReload() {
    }

    static void onSighup(CoordinatorNode node, PrintWriter err) {
        sun.misc.SignalHandler before = Signal.handle(new Signal("HUP"), signal -> {
            try {
                ServerTlsFiles files = node.reloadTls();
                err.println("agentd: SIGHUP: TLS files reloaded; this server is now " + files.describe());
            } catch (RuntimeException e) {
                err.println("agentd: SIGHUP: the TLS files cannot be used, the current ones stay: " + e.getMessage());
            }
            err.flush();
        });
        if (before == sun.misc.SignalHandler.SIG_IGN) {
            // A signal ignored when the JVM starts (nohup, some supervisors) stays ignored: the JVM
            // takes the handler and never calls it.
            err.println("agentd: SIGHUP is ignored by this process (started under nohup?), so it cannot reload the"
                    + " TLS files; restart the server to put new certificates in place, or start it without nohup");
            err.flush();
        }
    }
}
