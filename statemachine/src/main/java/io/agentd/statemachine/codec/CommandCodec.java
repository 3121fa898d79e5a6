package io.agentd.statemachine.codec;

import io.agentd.statemachine.ErrorCode;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Command.CreateNamespace;
import io.agentd.statemachine.command.Command.DeleteAgent;
import io.agentd.statemachine.command.Command.RegisterWorker;
import io.agentd.statemachine.command.Command.ReportStatus;
import io.agentd.statemachine.command.Command.SetMetadata;
import io.agentd.statemachine.command.Command.SetQuota;
import io.agentd.statemachine.command.Command.SpawnAgent;
import io.agentd.statemachine.command.Command.StopAgent;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.MetadataResult;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.model.WireEnum;
import io.agentd.statemachine.model.Worker;

import java.util.ArrayList;
import java.util.List;

/**
 * The log format: a batch of envelopes per entry, and the matching batch of replies.
 * <pre>
 * entry  := u8 version(=1 or 2) uvarint count envelope*
 * envelope := optString requestId, string actor, [v2: string role, string remote], u8 commandType, command fields
 * replies := u8 version(=1) uvarint count reply*
 * reply  := u8 code, string message, uvarint revision, bool created, u8 bodyKind, body
 * </pre>
 * Command type codes are fixed forever; golden-bytes tests pin them. New fields go in
 * new types or a new version, never by reinterpreting old bytes.
 */
public final class CommandCodec {
    public static final int ENTRY_V1 = 1;
    /** Envelopes carry the actor's role and address too; what is written now. */
    public static final int ENTRY_V2 = 2;

    static final int T_CREATE_NAMESPACE = 1;
    static final int T_SET_QUOTA = 2;
    static final int T_SPAWN_AGENT = 3;
    static final int T_STOP_AGENT = 4;
    static final int T_DELETE_AGENT = 5;
    static final int T_SET_METADATA = 6;
    static final int T_REPORT_STATUS = 7;
    static final int T_REGISTER_WORKER = 8;
    static final int T_EXPIRE_WORKER = 9;
    static final int T_MIGRATE_AGENT = 10;
    static final int T_DRAIN_WORKER = 11;
    static final int T_UNDRAIN_WORKER = 12;
    static final int T_PUT_CHECKPOINT = 13;
    /** ReportStatus with the restarts of the assignment; type 7 (without them) is still read. */
    static final int T_REPORT_STATUS_2 = 14;
    static final int T_RESCHEDULE_AGENT = 15;
    static final int T_REPORT_HEALTH = 16;
    /** ExpireWorker with the deciding leader's term; type 9 (term 0) is still read and written for term 0. */
    static final int T_EXPIRE_WORKER_2 = 17;
    /** RescheduleAgent with the deciding leader's term; type 15 likewise. */
    static final int T_RESCHEDULE_AGENT_2 = 18;
    static final int T_CREATE_TOKEN = 19;
    static final int T_REVOKE_TOKEN = 20;
    static final int T_BOOTSTRAP_TOKEN = 21;
    /** From here on, types a build before feature levels cannot read: proposed only when every member can. */
    static final int T_SET_FEATURE_LEVEL = 22;
    static final int T_CHECK_STATE = 23;
    /** Feature level 2. */
    static final int T_START_AGENT = 24;
    /** Feature level 3. */
    static final int T_SET_PROVIDER = 25;
    static final int T_DELETE_PROVIDER = 26;

    private static final int B_NONE = 0;
    private static final int B_NAMESPACE = 1;
    private static final int B_AGENT = 2;
    private static final int B_WORKER = 3;
    private static final int B_METADATA = 4;
    private static final int B_TOKEN = 5;
    private static final int B_PROVIDER = 6;

    private CommandCodec() {
    }

    public static byte[] encodeBatch(List<Envelope> batch) {
        WireWriter w = new WireWriter(256 * batch.size() + 8);
        w.u8(ENTRY_V2).uvarint(batch.size());
        for (Envelope e : batch) {
            envelope(w, e);
        }
        return w.toByteArray();
    }

    /**
     * The envelopes' part of an entry, without the entry's header: {@link #entry} joins such
     * parts. Lets each command be encoded by the thread that proposes it.
     */
    public static byte[] encodeEnvelopes(List<Envelope> envelopes) {
        WireWriter w = new WireWriter(256 * envelopes.size());
        for (Envelope e : envelopes) {
            envelope(w, e);
        }
        return w.toByteArray();
    }

    /**
     * An entry of {@code count} envelopes made of parts from {@link #encodeEnvelopes}, in order:
     * the same bytes {@link #encodeBatch} gives for all their envelopes.
     */
    public static byte[] entry(int count, List<byte[]> parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        WireWriter w = new WireWriter(size + 6);
        w.u8(ENTRY_V2).uvarint(count);
        for (byte[] p : parts) {
            w.raw(p);
        }
        return w.toByteArray();
    }

    public static byte[] encode(Envelope e) {
        return encodeBatch(List.of(e));
    }

    public static List<Envelope> decodeBatch(byte[] bytes) {
        WireReader r = new WireReader(bytes);
        int v = r.u8();
        if (v != ENTRY_V1 && v != ENTRY_V2) {
            throw new WireReader.MalformedException("unknown entry format version " + v);
        }
        int n = r.collectionSize();
        List<Envelope> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(envelope(r, v));
        }
        r.expectEnd();
        return out;
    }

    private static void envelope(WireWriter w, Envelope e) {
        w.optString(e.requestId()).string(e.actor()).string(e.role()).string(e.remote());
        Command c = e.command();
        if (c instanceof CreateNamespace x) {
            w.u8(T_CREATE_NAMESPACE).string(x.name());
            EntityCodec.quota(w, x.quota());
        } else if (c instanceof SetQuota x) {
            w.u8(T_SET_QUOTA).string(x.namespace());
            EntityCodec.quota(w, x.quota());
        } else if (c instanceof SpawnAgent x) {
            w.u8(T_SPAWN_AGENT).string(x.namespace()).string(x.name());
            EntityCodec.spec(w, x.spec());
        } else if (c instanceof StopAgent x) {
            w.u8(T_STOP_AGENT).string(x.namespace()).string(x.name());
        } else if (c instanceof DeleteAgent x) {
            w.u8(T_DELETE_AGENT).string(x.namespace()).string(x.name());
        } else if (c instanceof SetMetadata x) {
            w.u8(T_SET_METADATA).string(x.namespace()).string(x.name()).string(x.key()).string(x.value())
                    .optLong(x.ifVersion());
        } else if (c instanceof ReportStatus x) {
            w.u8(T_REPORT_STATUS_2).string(x.namespace()).string(x.name()).uvarint(x.fencingToken())
                    .u8(x.state().wire()).optLong(x.exitCode() == null ? null : x.exitCode().longValue())
                    .optString(x.message()).uvarint(x.restarts());
        } else if (c instanceof RegisterWorker x) {
            w.u8(T_REGISTER_WORKER).string(x.id()).string(x.address()).string(x.zone()).stringMap(x.labels())
                    .uvarint(x.capacitySlots());
        } else if (c instanceof Command.ExpireWorker x) {
            w.u8(x.term() == 0 ? T_EXPIRE_WORKER : T_EXPIRE_WORKER_2).string(x.id()).uvarint(x.ifRevision());
            if (x.term() != 0) {
                w.uvarint(x.term());
            }
        } else if (c instanceof Command.MigrateAgent x) {
            w.u8(T_MIGRATE_AGENT).string(x.namespace()).string(x.name()).optString(x.to());
        } else if (c instanceof Command.DrainWorker x) {
            w.u8(T_DRAIN_WORKER).string(x.id()).uvarint(x.maxParallel());
        } else if (c instanceof Command.UndrainWorker x) {
            w.u8(T_UNDRAIN_WORKER).string(x.id());
        } else if (c instanceof Command.PutCheckpoint x) {
            w.u8(T_PUT_CHECKPOINT).string(x.namespace()).string(x.name()).uvarint(x.fencingToken()).string(x.data());
        } else if (c instanceof Command.ReportHealth x) {
            w.u8(T_REPORT_HEALTH).string(x.namespace()).string(x.name()).uvarint(x.fencingToken()).string(x.status())
                    .string(x.progress());
        } else if (c instanceof Command.RescheduleAgent x) {
            w.u8(x.term() == 0 ? T_RESCHEDULE_AGENT : T_RESCHEDULE_AGENT_2).string(x.namespace()).string(x.name())
                    .uvarint(x.ifRevision()).uvarint(x.attempt());
            if (x.term() != 0) {
                w.uvarint(x.term());
            }
        } else if (c instanceof Command.CreateToken x) {
            w.u8(T_CREATE_TOKEN).string(x.hash()).u8(x.role().wire())
                    .strings(x.namespaces() == null ? List.of() : List.copyOf(x.namespaces()))
                    .optString(x.workerId()).uvarint(x.ttlMillis()).optString(x.description());
        } else if (c instanceof Command.RevokeToken x) {
            w.u8(T_REVOKE_TOKEN).string(x.id());
        } else if (c instanceof Command.BootstrapToken x) {
            w.u8(T_BOOTSTRAP_TOKEN).string(x.hash());
        } else if (c instanceof Command.SetFeatureLevel x) {
            w.u8(T_SET_FEATURE_LEVEL).uvarint(x.level());
        } else if (c instanceof Command.CheckState x) {
            w.u8(T_CHECK_STATE).string(x.id());
        } else if (c instanceof Command.StartAgent x) {
            w.u8(T_START_AGENT).string(x.namespace()).string(x.name());
        } else if (c instanceof Command.SetProvider x) {
            w.u8(T_SET_PROVIDER).string(x.name());
            EntityCodec.providerLimits(w, x.limits());
        } else if (c instanceof Command.DeleteProvider x) {
            w.u8(T_DELETE_PROVIDER).string(x.name());
        } else {
            throw new IllegalArgumentException("no wire form for " + c.kind());
        }
    }

    private static Envelope envelope(WireReader r, int version) {
        String requestId = r.optString();
        String actor = r.string();
        String role = version >= ENTRY_V2 ? r.string() : "";
        String remote = version >= ENTRY_V2 ? r.string() : "";
        int type = r.u8();
        Command c = switch (type) {
            case T_CREATE_NAMESPACE -> new CreateNamespace(r.string(), EntityCodec.quota(r));
            case T_SET_QUOTA -> new SetQuota(r.string(), EntityCodec.quota(r));
            case T_SPAWN_AGENT -> new SpawnAgent(r.string(), r.string(), EntityCodec.spec(r));
            case T_STOP_AGENT -> new StopAgent(r.string(), r.string());
            case T_DELETE_AGENT -> new DeleteAgent(r.string(), r.string());
            case T_SET_METADATA -> new SetMetadata(r.string(), r.string(), r.string(), r.string(), r.optLong());
            case T_REPORT_STATUS, T_REPORT_STATUS_2 -> {
                String ns = r.string();
                String name = r.string();
                long token = r.uvarint();
                AgentState st = WireEnum.fromWire(AgentState.class, r.u8());
                Long exit = r.optLong();
                String message = r.optString();
                int restarts = type == T_REPORT_STATUS_2 ? r.uvarintInt() : 0;
                yield new ReportStatus(ns, name, token, st, exit == null ? null : exit.intValue(), message, restarts);
            }
            case T_REGISTER_WORKER -> new RegisterWorker(r.string(), r.string(), r.string(), r.stringMap(),
                    r.uvarintInt());
            case T_EXPIRE_WORKER, T_EXPIRE_WORKER_2 -> new Command.ExpireWorker(r.string(), r.uvarint(),
                    type == T_EXPIRE_WORKER_2 ? r.uvarint() : 0);
            case T_MIGRATE_AGENT -> new Command.MigrateAgent(r.string(), r.string(), r.optString());
            case T_DRAIN_WORKER -> new Command.DrainWorker(r.string(), r.uvarintInt());
            case T_UNDRAIN_WORKER -> new Command.UndrainWorker(r.string());
            case T_PUT_CHECKPOINT -> new Command.PutCheckpoint(r.string(), r.string(), r.uvarint(), r.string());
            case T_REPORT_HEALTH -> new Command.ReportHealth(r.string(), r.string(), r.uvarint(), r.string(), r.string());
            case T_RESCHEDULE_AGENT, T_RESCHEDULE_AGENT_2 -> new Command.RescheduleAgent(r.string(), r.string(),
                    r.uvarint(), r.uvarintInt(), type == T_RESCHEDULE_AGENT_2 ? r.uvarint() : 0);
            case T_CREATE_TOKEN -> new Command.CreateToken(r.string(),
                    WireEnum.fromWire(io.agentd.statemachine.model.Role.class, r.u8()),
                    new java.util.TreeSet<>(r.strings()), r.optString(), r.uvarint(), r.optString());
            case T_REVOKE_TOKEN -> new Command.RevokeToken(r.string());
            case T_BOOTSTRAP_TOKEN -> new Command.BootstrapToken(r.string());
            case T_SET_FEATURE_LEVEL -> new Command.SetFeatureLevel(r.uvarintInt());
            case T_CHECK_STATE -> new Command.CheckState(r.string());
            case T_START_AGENT -> new Command.StartAgent(r.string(), r.string());
            case T_SET_PROVIDER -> new Command.SetProvider(r.string(), EntityCodec.providerLimits(r));
            case T_DELETE_PROVIDER -> new Command.DeleteProvider(r.string());
            default -> throw new WireReader.MalformedException("unknown command type " + type);
        };
        return new Envelope(requestId, actor, role, remote, c);
    }

    // ---- replies ----

    public static byte[] encodeReplies(List<Reply> replies) {
        // Sized for replies that carry an agent (most writes): no regrowth while encoding.
        WireWriter w = new WireWriter(512 * replies.size() + 8);
        w.u8(ENTRY_V1).uvarint(replies.size());
        for (Reply r : replies) {
            reply(w, r);
        }
        return w.toByteArray();
    }

    public static byte[] encodeReply(Reply reply) {
        WireWriter w = new WireWriter(512);
        reply(w, reply);
        return w.toByteArray();
    }

    public static Reply decodeReply(byte[] bytes) {
        WireReader r = new WireReader(bytes);
        Reply out = reply(r);
        r.expectEnd();
        return out;
    }

    public static List<Reply> decodeReplies(byte[] bytes) {
        WireReader r = new WireReader(bytes);
        int v = r.u8();
        if (v != ENTRY_V1) {
            throw new WireReader.MalformedException("unknown reply format version " + v);
        }
        int n = r.collectionSize();
        List<Reply> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(reply(r));
        }
        r.expectEnd();
        return out;
    }

    private static void reply(WireWriter w, Reply r) {
        w.u8(r.code().wire()).string(r.message()).uvarint(r.revision()).bool(r.created());
        Object b = r.body();
        if (b == null) {
            w.u8(B_NONE);
        } else if (b instanceof Namespace n) {
            w.u8(B_NAMESPACE);
            EntityCodec.namespace(w, n);
        } else if (b instanceof Agent a) {
            w.u8(B_AGENT);
            EntityCodec.agent(w, a);
        } else if (b instanceof Worker k) {
            w.u8(B_WORKER);
            EntityCodec.worker(w, k);
        } else if (b instanceof MetadataResult m) {
            w.u8(B_METADATA);
            EntityCodec.metadataResult(w, m);
        } else if (b instanceof io.agentd.statemachine.model.Token t) {
            w.u8(B_TOKEN);
            EntityCodec.token(w, t);
        } else if (b instanceof io.agentd.statemachine.model.Provider p) {
            w.u8(B_PROVIDER);
            EntityCodec.provider(w, p);
        } else {
            throw new IllegalArgumentException("no wire form for reply body " + b.getClass());
        }
    }

    private static Reply reply(WireReader r) {
        ErrorCode code = ErrorCode.fromWire(r.u8());
        String message = r.string();
        long rev = r.uvarint();
        boolean created = r.bool();
        int kind = r.u8();
        Object body = switch (kind) {
            case B_NONE -> null;
            case B_NAMESPACE -> EntityCodec.namespace(r);
            case B_AGENT -> EntityCodec.agent(r);
            case B_WORKER -> EntityCodec.worker(r);
            case B_METADATA -> EntityCodec.metadataResult(r);
            case B_TOKEN -> EntityCodec.token(r);
            case B_PROVIDER -> EntityCodec.provider(r);
            default -> throw new WireReader.MalformedException("unknown reply body kind " + kind);
        };
        return new Reply(code, message, rev, created, body);
    }
}
