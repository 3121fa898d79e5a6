package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Leadership;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Makes a cluster's first admin token, on the leader, once. Its secret is the operator's
 * ({@code bootstrap-token-file}, the same file on every server, so whichever leads first makes
 * the same token), or else one this leader makes and writes to {@code <data-dir>/bootstrap-token}
 * (mode 0600) before proposing it; the log says where. The state machine takes the first
 * bootstrap only, so a leader whose proposal lost removes the file it wrote.
 */
public final class BootstrapTokens {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokens.class);
    /** Where a leader writes the secret it made, in its data dir. */
    public static final String FILE = "bootstrap-token";

    private final BooleanSupplier hasTokens;
    private final java.util.function.Predicate<String> hashKnown;
    private final Function<Command, CompletableFuture<Reply>> propose;
    private final Path operatorFile;
    private final Path ownFile;

    /**
     * @param operatorFile the operator's secret, or null: make one and write it to {@code dataDir/bootstrap-token}
     */
    public BootstrapTokens(BooleanSupplier hasTokens, java.util.function.Predicate<String> hashKnown,
                           Function<Command, CompletableFuture<Reply>> propose, Path operatorFile, Path dataDir) {
        this.hasTokens = hasTokens;
        this.hashKnown = hashKnown;
        this.propose = propose;
        this.operatorFile = operatorFile;
        this.ownFile = dataDir.resolve(FILE);
    }

    public void leadershipChanged(Leadership now) {
        if (!now.leading() || hasTokens.getAsBoolean()) {
            return;
        }
        String secret;
        try {
            if (operatorFile != null) {
                secret = io.agentd.daemon.config.SecretFile.read(operatorFile, "bootstrap token");
            } else if (Files.exists(ownFile)) {
                secret = Files.readString(ownFile, StandardCharsets.UTF_8).strip(); // an earlier attempt's
            } else {
                secret = Authenticator.newSecret();
                Files.writeString(Files.createFile(ownFile, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))), secret + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot make the bootstrap admin token: {}", e.getMessage());
            return;
        }
        String hash = Authenticator.hash(secret);
        propose.apply(new Command.BootstrapToken(hash)).whenComplete((reply, err) -> {
            if (err != null) {
                LOG.warn("the bootstrap admin token was not made ({}); the next leader tries again", err.toString());
            } else if (reply.isOk()) {
                LOG.info("made the bootstrap admin token; its secret is in {}",
                        operatorFile != null ? operatorFile : ownFile);
            } else if (operatorFile == null && !hashKnown.test(hash)) {
                LOG.info("another server made the bootstrap admin token first; removing {}", ownFile);
                try {
                    Files.deleteIfExists(ownFile);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", ownFile, e.getMessage());
                }
            }
        });
    }
}
