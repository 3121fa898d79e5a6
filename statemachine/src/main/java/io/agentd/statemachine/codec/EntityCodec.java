package io.agentd.statemachine.codec;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.Assignment;
import io.agentd.statemachine.model.Health;
import io.agentd.statemachine.model.AuditRecord;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.Event;
import io.agentd.statemachine.model.EventType;
import io.agentd.statemachine.model.MetadataEntry;
import io.agentd.statemachine.model.MetadataResult;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.model.Provider;
import io.agentd.statemachine.model.ProviderLimits;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.Token;
import io.agentd.statemachine.model.WireEnum;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Binary form of entities, shared by storage and replies. Each top-level encoding starts
 * with a format version byte so a later release can read what an earlier one wrote.
 */
public final class EntityCodec {
    static final int V1 = 1;
    /** Agents only: V1 plus restarts of the instance, reschedules and the assignment history. */
    static final int V2 = 2;

    private EntityCodec() {
    }

    // ---- pieces ----

    static void quota(WireWriter w, Quota q) {
        w.optLong(q.maxAgents()).optLong(q.maxSlots());
    }

    static Quota quota(WireReader r) {
        return new Quota(r.optLong(), r.optLong());
    }

    static void spec(WireWriter w, AgentSpec s) {
        w.string(s.command()).strings(s.args()).stringMap(s.env()).optString(s.workingDir())
                .uvarint(s.slots()).stringMap(s.labels()).stringMap(s.constraints()).u8(s.restart().wire());
    }

    /**
     * Specs decoded before, by their encoding. Loading a registry decodes a million agents made
     * from a few specs: a spec's bytes are passed over first and looked up, so a known spec costs
     * no decoding, no validation and no garbage. The same bytes always decode to an equal spec, so
     * this changes no result.
     */
    private static final EncodingCache<AgentSpec> SPECS = new EncodingCache<>(4096);
    /**
     * Strings that many agents share (namespace names, worker ids, pending reasons, assignment
     * outcomes), by their encoding: one instance each instead of a new one per agent decoded.
     */
    private static final EncodingCache<String> SHARED_STRINGS = new EncodingCache<>(1024);

    static AgentSpec spec(WireReader r) {
        int start = r.position();
        r.skipString(); // command
        r.skipStrings(); // args
        r.skipStringMap(); // env
        r.skipOptString(); // working dir
        r.uvarint(); // slots
        r.skipStringMap(); // labels
        r.skipStringMap(); // constraints
        r.u8(); // restart policy
        return decodeOnce(SPECS, r, start, x -> new AgentSpec(x.string(), x.strings(), x.stringMap(), x.optString(),
                x.uvarintInt(), x.stringMap(), x.stringMap(), WireEnum.fromWire(RestartPolicy.class, x.u8())));
    }

    /** A {@link WireReader#string()} that many entities share: the instance decoded before when there is one. */
    static String sharedString(WireReader r) {
        int start = r.position();
        r.skipString();
        return decodeOnce(SHARED_STRINGS, r, start, WireReader::string);
    }

    /**
     * The value encoded between {@code start} and the reader's position, which the caller has just
     * moved past: the one in {@code cache} for those bytes, else {@code decode} of them (read again
     * from {@code start}), then cached. Either way the reader ends where it was.
     */
    private static <T> T decodeOnce(EncodingCache<T> cache, WireReader r, int start, Function<WireReader, T> decode) {
        int end = r.position();
        int hash = EncodingCache.hash(r.array(), start, end);
        T known = cache.get(r.array(), start, end, hash);
        if (known != null) {
            return known;
        }
        r.rewind(start);
        T value = decode.apply(r);
        cache.put(r.array(), start, end, hash, value);
        return value;
    }

    /** {@link #sharedString} of a string that may be null ({@link WireReader#optString()}). */
    static String sharedOptString(WireReader r) {
        return r.bool() ? sharedString(r) : null;
    }

    static void quotaLong(WireWriter w, Long v) {
        w.optLong(v);
    }

    // ---- entities ----

    public static void namespace(WireWriter w, Namespace n) {
        w.u8(V1).string(n.name());
        quota(w, n.quota());
        w.uvarint(n.createRevision()).uvarint(n.revision());
    }

    public static Namespace namespace(WireReader r) {
        version(r);
        return new Namespace(r.string(), quota(r), r.uvarint(), r.uvarint());
    }

    public static void agent(WireWriter w, Agent a) {
        w.u8(V2).string(a.namespace()).string(a.name()).uvarint(a.id());
        spec(w, a.spec());
        w.u8(a.desired().wire()).u8(a.state().wire()).optString(a.worker()).uvarint(a.fencingToken())
                .optString(a.pendingReason()).optLong(a.exitCode() == null ? null : a.exitCode().longValue())
                .uvarint(a.restarts());
        w.uvarint(a.metadata().size());
        for (Map.Entry<String, MetadataEntry> e : a.metadata().entrySet()) {
            w.string(e.getKey()).string(e.getValue().value()).uvarint(e.getValue().version());
        }
        w.uvarint(a.createRevision()).uvarint(a.revision()).svarint(a.createTime()).svarint(a.updateTime())
                .optString(a.migrateTo()).optString(a.checkpoint()).uvarint(a.checkpointRevision());
        w.uvarint(a.instanceRestarts()).uvarint(a.reschedules()).svarint(a.rescheduleTime());
        w.uvarint(a.history().size());
        for (Assignment h : a.history()) {
            w.string(h.worker()).uvarint(h.fencingToken()).uvarint(h.restarts()).uvarint(h.endRevision())
                    .svarint(h.endTime()).string(h.outcome());
        }
        Health health = a.health();
        w.optString(health == null ? null : health.status());
        if (health != null) {
            w.string(health.progress()).svarint(health.time());
        }
    }

    public static Agent agent(WireReader r) {
        int v = r.u8();
        if (v != V1 && v != V2) {
            throw new WireReader.MalformedException("unknown agent format version " + v);
        }
        String ns = sharedString(r);
        String name = r.string();
        long id = r.uvarint();
        AgentSpec spec = spec(r);
        DesiredState desired = WireEnum.fromWire(DesiredState.class, r.u8());
        AgentState state = WireEnum.fromWire(AgentState.class, r.u8());
        String worker = sharedOptString(r);
        long token = r.uvarint();
        String reason = sharedOptString(r);
        Long exit = r.optLong();
        int restarts = r.uvarintInt();
        int n = r.collectionSize();
        SortedMap<String, MetadataEntry> metadata = Collections.emptySortedMap(); // most agents have none: share it
        if (n > 0) {
            TreeMap<String, MetadataEntry> md = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                md.put(r.string(), new MetadataEntry(r.string(), r.uvarint()));
            }
            metadata = Collections.unmodifiableSortedMap(md);
        }
        long createRevision = r.uvarint();
        long revision = r.uvarint();
        long createTime = r.svarint();
        long updateTime = r.svarint();
        String migrateTo = r.optString();
        String checkpoint = r.optString();
        long checkpointRevision = r.uvarint();
        int instanceRestarts = 0;
        int reschedules = 0;
        long rescheduleTime = 0;
        List<Assignment> history = List.of();
        Health health = null;
        if (v == V2) {
            instanceRestarts = r.uvarintInt();
            reschedules = r.uvarintInt();
            rescheduleTime = r.svarint();
            int h = r.collectionSize();
            List<Assignment> list = new ArrayList<>(h);
            for (int i = 0; i < h; i++) {
                list.add(new Assignment(sharedString(r), r.uvarint(), r.uvarintInt(), r.uvarint(), r.svarint(),
                        sharedString(r)));
            }
            history = list;
            String status = r.optString();
            if (status != null) {
                health = new Health(status, r.string(), r.svarint());
            }
        }
        return new Agent(ns, name, id, spec, desired, state, worker, token, reason,
                exit == null ? null : exit.intValue(), restarts, metadata,
                createRevision, revision, createTime, updateTime, migrateTo, checkpoint, checkpointRevision,
                instanceRestarts, reschedules, rescheduleTime, history, health);
    }

    public static void worker(WireWriter w, Worker k) {
        w.u8(V1).string(k.id()).string(k.address()).string(k.zone()).stringMap(k.labels()).uvarint(k.capacitySlots())
                .u8(k.state().wire()).uvarint(k.registerRevision()).uvarint(k.revision()).uvarint(k.drainParallel());
    }

    public static Worker worker(WireReader r) {
        version(r);
        return new Worker(r.string(), r.string(), r.string(), r.stringMap(), r.uvarintInt(),
                WireEnum.fromWire(WorkerState.class, r.u8()), r.uvarint(), r.uvarint(), r.uvarintInt());
    }

    public static void metadataResult(WireWriter w, MetadataResult m) {
        w.u8(V1).string(m.key()).string(m.value()).uvarint(m.version());
    }

    public static MetadataResult metadataResult(WireReader r) {
        version(r);
        return new MetadataResult(r.string(), r.string(), r.uvarint());
    }

    public static byte[] event(Event e) {
        WireWriter w = new WireWriter(64);
        w.u8(V1).uvarint(e.revision()).uvarint(e.seq()).svarint(e.time()).u8(e.type().wire())
                .optString(e.namespace()).optString(e.name()).optString(e.worker()).optString(e.detail());
        return w.toByteArray();
    }

    public static Event event(byte[] b) {
        WireReader r = new WireReader(b);
        version(r);
        Event e = new Event(r.uvarint(), r.uvarintInt(), r.svarint(), WireEnum.fromWire(EventType.class, r.u8()),
                r.optString(), r.optString(), r.optString(), r.optString());
        r.expectEnd();
        return e;
    }

    /** Audit records: V1 without the actor's role and address, V2 with them. */
    public static byte[] audit(AuditRecord a) {
        WireWriter w = new WireWriter(64);
        w.u8(V2).uvarint(a.revision()).svarint(a.time()).string(a.actor()).string(a.role()).string(a.remote())
                .optString(a.requestId()).string(a.command()).string(a.target()).string(a.result());
        return w.toByteArray();
    }

    public static AuditRecord audit(byte[] b) {
        WireReader r = new WireReader(b);
        int v = r.u8();
        if (v != V1 && v != V2) {
            throw new WireReader.MalformedException("unknown audit record format version " + v);
        }
        long revision = r.uvarint();
        long time = r.svarint();
        String actor = r.string();
        String role = v == V2 ? r.string() : "";
        String remote = v == V2 ? r.string() : "";
        AuditRecord a = new AuditRecord(revision, time, actor, role, remote, r.optString(), r.string(), r.string(),
                r.string());
        r.expectEnd();
        return a;
    }

    public static byte[] token(Token t) {
        WireWriter w = new WireWriter(128);
        token(w, t);
        return w.toByteArray();
    }

    public static void token(WireWriter w, Token t) {
        w.u8(V1).string(t.id()).string(t.hash()).u8(t.role().wire()).strings(List.copyOf(t.namespaces()))
                .optString(t.workerId()).svarint(t.expiresAt()).string(t.description()).uvarint(t.createRevision())
                .svarint(t.createTime()).svarint(t.revokedAt());
    }

    public static Token token(byte[] b) {
        WireReader r = new WireReader(b);
        Token t = token(r);
        r.expectEnd();
        return t;
    }

    public static Token token(WireReader r) {
        version(r);
        return new Token(r.string(), r.string(), WireEnum.fromWire(Role.class, r.u8()), new TreeSet<>(r.strings()),
                r.optString(), r.svarint(), r.string(), r.uvarint(), r.svarint(), r.svarint());
    }

    /**
     * Limits without a version byte: inside a command or a {@link #provider} entity, which carry
     * one. Numbers are signed, so that a command with a negative limit reaches the rule, which
     * refuses it by name.
     */
    public static void providerLimits(WireWriter w, ProviderLimits l) {
        w.svarint(l.requestsPerMinute()).svarint(l.tokensPerMinute()).svarint(l.maxConcurrent()).string(l.group())
                .svarint(l.priority()).uvarint(l.shares().size());
        l.shares().forEach((ns, weight) -> w.string(ns).svarint(weight));
        w.svarint(l.pricePer1kTokensMicros());
    }

    public static ProviderLimits providerLimits(WireReader r) {
        long rpm = r.svarint();
        long tpm = r.svarint();
        int concurrent = Math.toIntExact(r.svarint());
        String group = r.string();
        int priority = Math.toIntExact(r.svarint());
        int n = r.collectionSize();
        TreeMap<String, Integer> shares = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            shares.put(r.string(), Math.toIntExact(r.svarint()));
        }
        return new ProviderLimits(rpm, tpm, concurrent, group, priority, shares, r.svarint());
    }

    public static void provider(WireWriter w, Provider p) {
        w.u8(V1).string(p.name());
        providerLimits(w, p.limits());
        w.uvarint(p.createRevision()).uvarint(p.revision());
    }

    public static Provider provider(WireReader r) {
        version(r);
        return new Provider(r.string(), providerLimits(r), r.uvarint(), r.uvarint());
    }

    public static Provider provider(byte[] b) {
        WireReader r = new WireReader(b);
        Provider p = provider(r);
        r.expectEnd();
        return p;
    }

    public static byte[] encode(Object entity) {
        WireWriter w = new WireWriter(512);
        if (entity instanceof Agent a) {
            agent(w, a);
        } else if (entity instanceof Namespace n) {
            namespace(w, n);
        } else if (entity instanceof Worker k) {
            worker(w, k);
        } else if (entity instanceof Provider p) {
            provider(w, p);
        } else {
            throw new IllegalArgumentException("not an entity: " + entity.getClass());
        }
        return w.toByteArray();
    }

    private static void version(WireReader r) {
        int v = r.u8();
        if (v != V1) {
            throw new WireReader.MalformedException("unknown entity format version " + v);
        }
    }

    static SortedMap<String, String> emptyIfNull(SortedMap<String, String> m) {
        return m == null ? Collections.emptySortedMap() : m;
    }
}
