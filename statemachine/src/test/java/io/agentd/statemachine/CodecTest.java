package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.codec.WireReader;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.MetadataResult;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.RestartPolicy;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecTest {
    private static final AgentSpec SPEC = new AgentSpec("/bin/sleep", List.of("10"), new TreeMap<>(Map.of("K", "V")),
            "/tmp", 2, new TreeMap<>(Map.of("team", "x")), new TreeMap<>(), RestartPolicy.ALWAYS);

    private static final List<Envelope> ALL = List.of(
            new Envelope("r1", "alice", new Command.CreateNamespace("team-a", new Quota(5L, null))),
            new Envelope(null, "alice", new Command.SetQuota("team-a", new Quota(null, 9L))),
            new Envelope("r2", "bob", new Command.SpawnAgent("default", "a1", SPEC)),
            new Envelope(null, "bob", new Command.StopAgent("default", "a1")),
            new Envelope(null, "bob", new Command.DeleteAgent("default", "a1")),
            new Envelope(null, "bob", new Command.SetMetadata("default", "a1", "k", "v", 0L)),
            new Envelope(null, "w1", new Command.ReportStatus("default", "a1", 7, AgentState.FAILED, 3, "boom")),
            new Envelope(null, "w1", new Command.RegisterWorker("w1", "127.0.0.1:7422", "z", new TreeMap<>(), 8)),
            new Envelope(null, "sweeper", new Command.ExpireWorker("w1", 12, 3)),
            new Envelope(null, "op", new Command.MigrateAgent("default", "a1", "w2")),
            new Envelope(null, "op", new Command.MigrateAgent("default", "a1", null)),
            new Envelope(null, "op", new Command.DrainWorker("w1", 3)),
            new Envelope(null, "op", new Command.UndrainWorker("w1")),
            new Envelope(null, "w1", new Command.PutCheckpoint("default", "a1", 9, "{\"step\":4}")),
            new Envelope(null, "w1", new Command.ReportStatus("default", "a1", 7, AgentState.RUNNING, 1, null, 2)),
            new Envelope(null, "leader", new Command.RescheduleAgent("default", "a1", 40, 2, 3)),
            new Envelope(null, "sweeper", new Command.ExpireWorker("w1", 12, 0)),
            new Envelope(null, "leader", new Command.RescheduleAgent("default", "a1", 40, 2, 0)),
            new Envelope(null, "w1", new Command.ReportHealth("default", "a1", 9, "degraded", "step 3 of 10")),
            new Envelope("r9", "t1", "admin", "127.0.0.1:4000", new Command.CreateToken("ab".repeat(32),
                    io.agentd.statemachine.model.Role.READER, new java.util.TreeSet<>(java.util.Set.of("team-a")), null,
                    3_600_000, "dashboards")),
            new Envelope(null, "t1", "admin", "", new Command.CreateToken("cd".repeat(32),
                    io.agentd.statemachine.model.Role.WORKER, null, "w1", 0, null)),
            new Envelope(null, "t1", new Command.RevokeToken("t7")),
            new Envelope(null, "n1", new Command.BootstrapToken("ef".repeat(32))));

    @Test
    void everyCommandRoundTrips() {
        assertThat(CommandCodec.decodeBatch(CommandCodec.encodeBatch(ALL))).isEqualTo(ALL);
    }

    @Test
    void anEntryJoinedFromPartsIsByteForByteTheBatchEncoding() {
        for (int split = 0; split <= ALL.size(); split++) {
            byte[] joined = CommandCodec.entry(ALL.size(), List.of(
                    CommandCodec.encodeEnvelopes(ALL.subList(0, split)),
                    CommandCodec.encodeEnvelopes(ALL.subList(split, ALL.size()))));
            assertThat(joined).isEqualTo(CommandCodec.encodeBatch(ALL));
        }
        byte[] many = CommandCodec.entry(200, java.util.Collections.nCopies(200, CommandCodec.encodeEnvelopes(List.of(ALL.get(2)))));
        assertThat(many).isEqualTo(CommandCodec.encodeBatch(java.util.Collections.nCopies(200, ALL.get(2))));
    }

    /** The log format is a contract: these bytes were written by release 0.1 and must decode forever. */
    @Test
    void goldenBytesOfASpawnEntryStillDecode() {
        String golden = "0101010272320362" + "6f6203" + "07" + "64656661756c74" + "026131"
                + "0a2f62696e2f736c656570" + "01023130" + "01014b0156" + "01042f746d70" + "02"
                + "01047465616d0178" + "00" + "01";
        byte[] bytes = HexFormat.of().parseHex(golden);
        assertThat(CommandCodec.decodeBatch(bytes)).containsExactly(ALL.get(2));
    }

    /**
     * Entries of the second format (version byte 2) carry the actor's role and address in each
     * envelope; that is what is written now.
     */
    @Test
    void goldenBytesOfASecondFormatEntryWithTheCallersRoleAndAddress() {
        String plain = "02010102723203626f62" + "00" + "00" + "030764656661756c740261310a2f62696e2f736c656570"
                + "0102313001014b015601042f746d700201047465616d01780001";
        assertThat(HexFormat.of().formatHex(CommandCodec.encode(ALL.get(2)))).isEqualTo(plain);
        Envelope withCaller = new Envelope("r2", "t12", "operator", "10.0.0.7:51000", ALL.get(2).command());
        String golden = "0201010272320374313208" + "6f70657261746f72" + "0e" + "31302e302e302e373a3531303030"
                + "030764656661756c740261310a2f62696e2f736c6565700102313001014b015601042f746d700201047465616d"
                + "01780001";
        assertThat(HexFormat.of().formatHex(CommandCodec.encode(withCaller))).isEqualTo(golden);
        assertThat(CommandCodec.decodeBatch(HexFormat.of().parseHex(golden))).containsExactly(withCaller);
    }

    /**
     * Leader decisions as logs before terms were recorded hold them (types 9 and 15) decode with
     * term 0; with a term they are types 17 and 18, and term 0 is still written the old way.
     */
    @Test
    void goldenBytesOfLeaderDecisionsWithAndWithoutTheirTerm() {
        String oldExpiry = "0101" + "00" + "0773776565706572" + "09" + "027731" + "0c";
        String oldReschedule = "0101" + "00" + "066c6561646572" + "0f" + "0764656661756c74" + "026131" + "28" + "02";
        Envelope expiry0 = new Envelope(null, "sweeper", new Command.ExpireWorker("w1", 12, 0));
        Envelope reschedule0 = new Envelope(null, "leader", new Command.RescheduleAgent("default", "a1", 40, 2, 0));
        assertThat(CommandCodec.decodeBatch(HexFormat.of().parseHex(oldExpiry))).containsExactly(expiry0);
        assertThat(CommandCodec.decodeBatch(HexFormat.of().parseHex(oldReschedule))).containsExactly(reschedule0);
        // Term 0 is still written with the old type codes (in today's entry format).
        assertThat(HexFormat.of().formatHex(CommandCodec.encode(expiry0)))
                .isEqualTo("0201" + "00" + "0773776565706572" + "0000" + "09" + "027731" + "0c");
        assertThat(HexFormat.of().formatHex(CommandCodec.encode(reschedule0)))
                .isEqualTo("0201" + "00" + "066c6561646572" + "0000" + "0f" + "0764656661756c74" + "026131" + "28" + "02");

        String expiry = "0201" + "00" + "0773776565706572" + "0000" + "11" + "027731" + "0c" + "03";
        String reschedule = "0201" + "00" + "066c6561646572" + "0000" + "12" + "0764656661756c74" + "026131" + "28"
                + "02" + "03";
        assertThat(HexFormat.of().formatHex(CommandCodec.encode(ALL.get(8)))).isEqualTo(expiry);
        assertThat(HexFormat.of().formatHex(CommandCodec.encode(ALL.get(15)))).isEqualTo(reschedule);
        assertThat(CommandCodec.decodeBatch(HexFormat.of().parseHex(expiry))).containsExactly(ALL.get(8));
        assertThat(CommandCodec.decodeBatch(HexFormat.of().parseHex(reschedule))).containsExactly(ALL.get(15));
    }

    /** A report in the first format (type 7, without restarts), as older logs hold it. */
    @Test
    void goldenBytesOfAFirstFormatReportStillDecode() {
        String golden = "01010002773107" + "0764656661756c74" + "026131" + "07" + "07" + "0106" + "0104626f6f6d";
        assertThat(CommandCodec.decodeBatch(HexFormat.of().parseHex(golden))).containsExactly(ALL.get(6));
    }

    @Test
    void repliesRoundTrip() {
        List<Reply> replies = List.of(Reply.ok(5, true, new MetadataResult("k", "v", 5)),
                Reply.rejected(6, new Rejection(ErrorCode.QUOTA_EXCEEDED, "over")));
        assertThat(CommandCodec.decodeReplies(CommandCodec.encodeReplies(replies))).isEqualTo(replies);
    }

    @Test
    void malformedEntriesAreRefusedNotMisread() {
        byte[] ok = CommandCodec.encodeBatch(ALL);
        for (int cut = 0; cut < ok.length; cut += 7) {
            byte[] truncated = java.util.Arrays.copyOf(ok, cut);
            assertThatThrownBy(() -> CommandCodec.decodeBatch(truncated)).isInstanceOf(RuntimeException.class);
        }
        assertThatThrownBy(() -> CommandCodec.decodeBatch(new byte[] {9, 0}))
                .isInstanceOf(WireReader.MalformedException.class).hasMessageContaining("version");
    }

    @Test
    void equalSpecsDecodeToOneSharedInstanceAndDifferentOnesStayApart() {
        AgentSpec other = new AgentSpec("/bin/sleep", List.of("11"), new TreeMap<>(Map.of("K", "V")),
                "/tmp", 2, new TreeMap<>(Map.of("team", "x")), new TreeMap<>(), RestartPolicy.ALWAYS);
        List<Envelope> spawns = List.of(
                new Envelope(null, "t", new Command.SpawnAgent("default", "s1", SPEC)),
                new Envelope(null, "t", new Command.SpawnAgent("default", "s2", SPEC)),
                new Envelope(null, "t", new Command.SpawnAgent("default", "s3", other)));
        List<Envelope> decoded = CommandCodec.decodeBatch(CommandCodec.encodeBatch(spawns));
        AgentSpec s1 = ((Command.SpawnAgent) decoded.get(0).command()).spec();
        AgentSpec s2 = ((Command.SpawnAgent) decoded.get(1).command()).spec();
        AgentSpec s3 = ((Command.SpawnAgent) decoded.get(2).command()).spec();
        assertThat(s1).isEqualTo(SPEC).isSameAs(s2);
        assertThat(s3).isEqualTo(other).isNotEqualTo(s1);
    }
}
