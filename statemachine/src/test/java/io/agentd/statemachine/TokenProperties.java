package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.Token;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** API tokens in the registry: only hashes, one bootstrap, revocation, and what each role may carry. */
class TokenProperties {
    private long index;

    private Reply apply(Replica r, long time, Command c) {
        return r.apply(1, ++index, time, CommandCodec.encode(new Envelope(null, "t", c))).get(0);
    }

    private static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Test
    void theBootstrapTokenIsTheFirstAndOnlyOne() {
        Replica r = new Replica(new MemoryStore());
        assertThat(r.state().hasTokens()).isFalse();
        Reply first = apply(r, 1_000, new Command.BootstrapToken(hash('a')));
        assertThat(first.isOk()).isTrue();
        Token admin = first.bodyAs(Token.class);
        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(admin.id()).isEqualTo("t" + admin.createRevision());
        assertThat(r.state().tokenByHash(hash('a'))).isEqualTo(admin);
        long revision = r.state().revision();
        // A second server's bootstrap (another secret) changes nothing.
        Reply second = apply(r, 1_001, new Command.BootstrapToken(hash('b')));
        assertThat(second.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(r.state().revision()).isEqualTo(revision);
        assertThat(r.state().tokenByHash(hash('b'))).isNull();
    }

    @Property(tries = 50)
    void aTokenExpiresByLogTimeAndIsRevokedOnce(@ForAll @IntRange(min = 0, max = 100_000) int ttl) {
        Replica r = new Replica(new MemoryStore());
        Reply created = apply(r, 50_000, new Command.CreateToken(hash('c'), Role.READER,
                new TreeSet<>(Set.of("team-a")), null, ttl, "dashboards"));
        assertThat(created.isOk()).isTrue();
        assertThat(created.created()).isTrue();
        Token t = created.bodyAs(Token.class);
        assertThat(t.expiresAt()).isEqualTo(ttl == 0 ? 0 : 50_000 + ttl);
        assertThat(t.expiredAt(50_000 + ttl - 1)).isFalse();
        assertThat(t.expiredAt(50_000 + ttl)).isEqualTo(ttl != 0);
        assertThat(t.namespaces()).containsExactly("team-a");

        Reply revoked = apply(r, 60_000, new Command.RevokeToken(t.id()));
        assertThat(revoked.bodyAs(Token.class).revoked()).isTrue();
        long revision = r.state().revision();
        assertThat(apply(r, 61_000, new Command.RevokeToken(t.id())).isOk()).as("again: a no-op").isTrue();
        assertThat(r.state().revision()).isEqualTo(revision);
        assertThat(apply(r, 61_000, new Command.RevokeToken("t999999")).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void eachRoleCarriesOnlyWhatBelongsToIt() {
        Replica r = new Replica(new MemoryStore());
        TreeSet<String> scope = new TreeSet<>(Set.of("team-a"));
        assertThat(apply(r, 1, new Command.CreateToken(hash('d'), Role.ADMIN, scope, null, 0, "")).code())
                .as("an admin token is never scoped").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(apply(r, 1, new Command.CreateToken(hash('d'), Role.WORKER, null, null, 0, "")).code())
                .as("a worker token names its worker").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(apply(r, 1, new Command.CreateToken(hash('d'), Role.OPERATOR, null, "w1", 0, "")).code())
                .as("only worker tokens are bound to a worker").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(apply(r, 1, new Command.CreateToken("nothex", Role.READER, null, null, 0, "")).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(apply(r, 1, new Command.CreateToken(hash('d'), Role.READER, new TreeSet<>(Set.of("Bad_Ns")), null,
                0, "")).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(r.state().hasTokens()).as("nothing was made").isFalse();
        assertThat(apply(r, 1, new Command.CreateToken(hash('d'), Role.WORKER, null, "w1", 0, "")).isOk()).isTrue();
        assertThat(apply(r, 1, new Command.CreateToken(hash('d'), Role.READER, null, null, 0, "")).code())
                .as("one secret, one token").isEqualTo(ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void tokensSurviveAReloadFromTheStore() {
        MemoryStore store = new MemoryStore();
        Replica r = new Replica(store);
        apply(r, 1_000, new Command.BootstrapToken(hash('e')));
        Token w = apply(r, 1_001, new Command.CreateToken(hash('f'), Role.WORKER, null, "w9", 60_000, "w9's"))
                .bodyAs(Token.class);
        apply(r, 1_002, new Command.RevokeToken(w.id()));
        Replica again = new Replica(store);
        assertThat(again.state().fingerprint()).isEqualTo(r.state().fingerprint());
        assertThat(again.state().tokenByHash(hash('f')).revoked()).isTrue();
        assertThat(again.state().tokens()).hasSize(2);
    }
}
