package io.agentd.statemachine;

import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.codec.WireReader;
import io.agentd.statemachine.codec.WireWriter;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.AuditRecord;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.Event;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.Token;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.DurableStore;
import io.agentd.statemachine.store.Table;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.function.Predicate;

/**
 * The registry as one replica holds it in memory, one table per aggregate: {@link NamespaceTable}
 * (with usage), {@link AgentTable} (with its queues, and feeding the namespaces' usage and the
 * workers' assignments), {@link WorkerTable}, {@link EventFeed}, {@link DedupTable},
 * {@link AuditLog} and {@link TokenTable}; and the counters every entry moves (revision, log time). This class is what
 * apply and readers see; every mutation also records the bytes to persist in the current
 * {@link ChangeSet}, so memory and disk move together.
 *
 * <p>Not thread-safe. Only the apply thread mutates it; readers on other threads must
 * be excluded by the caller (the daemon holds a read/write lock around apply). Every
 * collection that apply iterates is sorted, so replicas act in the same order.
 */
public final class ClusterState {
    private final NamespaceTable namespaces = new NamespaceTable();
    private final WorkerTable workers = new WorkerTable();
    private final AgentTable agents = new AgentTable(namespaces, workers);
    private final EventFeed events = new EventFeed();
    private final DedupTable dedup = new DedupTable();
    private final AuditLog audit = new AuditLog();
    private final TokenTable tokens = new TokenTable();
    private final ProviderTable providers = new ProviderTable();

    private long revision;
    private long time;
    private int featureLevel = FeatureLevel.INITIAL;
    /** Ids of the CheckState commands in the entry being applied; not replicated state. */
    private final java.util.List<String> checks = new java.util.ArrayList<>();
    private ChangeSet changes = new ChangeSet();
    /** Set on a fresh registry: the first entry persists what {@link #initial()} made. */
    private boolean bootstrapPending;

    // ------------------------------------------------------------------ reads

    public long revision() {
        return revision;
    }

    /** The version of the rules this registry is applied with ({@link FeatureLevel}). */
    public int featureLevel() {
        return featureLevel;
    }

    /** Log time of the last applied entry, epoch millis. */
    public long time() {
        return time;
    }

    /** The API token with this id, or null. */
    public Token token(String id) {
        return tokens.get(id);
    }

    /** The API token whose secret hashes to {@code hash} (64 lowercase hex digits), or null. */
    public Token tokenByHash(String hash) {
        return tokens.byHash(hash);
    }

    /** Every API token, revoked and expired ones included, in id order. */
    public Collection<Token> tokens() {
        return tokens.all();
    }

    /** The LLM provider with this name, or null. */
    public io.agentd.statemachine.model.Provider provider(String name) {
        return providers.get(name);
    }

    /** Every LLM provider, in name order. */
    public Collection<io.agentd.statemachine.model.Provider> providers() {
        return providers.all();
    }

    /** Whether any token was ever created (the bootstrap is done). */
    public boolean hasTokens() {
        return !tokens.isEmpty();
    }

    public Namespace namespace(String name) {
        return namespaces.get(name);
    }

    public Collection<Namespace> namespaces() {
        return namespaces.all();
    }

    /** {agents, slots in use by agents that should run} of a namespace. */
    public long[] usage(String namespace) {
        return namespaces.usage(namespace);
    }

    public Agent agent(AgentKey key) {
        return agents.get(key);
    }

    public Agent agent(String namespace, String name) {
        return agents.get(new AgentKey(namespace, name));
    }

    public int agentCount() {
        return agents.count();
    }

    /** Agents in key order (namespace, name) matching the filter; namespace null = all. */
    public List<Agent> agents(String namespace, Predicate<Agent> filter, int limit) {
        return agents(namespace, null, filter, limit);
    }

    /**
     * Agents in key order (namespace, name) after {@code after} (null: from the start) matching
     * the filter, at most {@code limit}; namespace null = all.
     */
    public List<Agent> agents(String namespace, AgentKey after, Predicate<Agent> filter, int limit) {
        return agents.list(namespace, after, filter, limit);
    }

    public Worker worker(String id) {
        return workers.get(id);
    }

    /**
     * How many times a worker was stored in this object: a cheap "did any worker change" for
     * leader-local services that would otherwise scan every worker. Not replicated state (a
     * restored state starts again at 0), so compare it only with values from the same object.
     */
    public long workerWrites() {
        return workers.writes();
    }

    public Collection<Worker> workers() {
        return workers.all();
    }

    public int usedSlots(String workerId) {
        return workers.usedSlots(workerId);
    }

    public SortedSet<AgentKey> agentsOn(String workerId) {
        return workers.agentsOn(workerId);
    }

    /**
     * Why a pending agent is not placed, as of now (the reason stored with the agent is the
     * one from when it was last examined). Null when the agent is not pending.
     */
    public String whyPending(Agent a) {
        if (a.state() != AgentState.PENDING) {
            return null;
        }
        if (a.desired() != DesiredState.RUNNING) {
            return "not wanted running";
        }
        String[] why = new String[1];
        Worker w = Placement.choose(this, a, why);
        return w == null ? why[0] : "waiting for its turn: placed when capacity frees up or the next change comes";
    }

    /**
     * Failed agents that should run and whose restart policy is not {@code never}, oldest first,
     * at most {@code limit}: what the leader may reschedule.
     */
    public List<Agent> failedToRun(int limit) {
        return agents.failedToRun(limit);
    }

    public int pendingCount() {
        return agents.pendingCount();
    }

    /** Events with revision greater than {@code after}, oldest first, at most limit. */
    public List<Event> eventsAfter(long after, int limit) {
        return events.after(after, limit);
    }

    /** The newest {@code n} retained events, oldest first. */
    public List<Event> lastEvents(int n) {
        return events.last(n);
    }

    /** Events at or below this revision may be gone; a reader that is behind it missed some. */
    public long eventsPrunedThrough() {
        return events.prunedThrough();
    }

    /** Revision of the oldest retained event, or 0 when none. */
    public long oldestEventRevision() {
        return events.oldestRevision();
    }

    // -------------------------------------------------------- apply plumbing

    ChangeSet changes() {
        return changes;
    }

    void beginEntry(ChangeSet cs) {
        this.changes = Objects.requireNonNull(cs);
        if (bootstrapPending) {
            bootstrapPending = false;
            namespaces.persistAll(changes);
        }
    }

    /** Makes {@code rev} (which must be the next one) the current revision: a command changed state. */
    void commitRevision(long rev) {
        if (rev != revision + 1) {
            throw new IllegalStateException("revision " + rev + " does not follow " + revision);
        }
        revision = rev;
    }

    void advanceTime(long stamp) {
        time = Math.max(time, stamp);
    }

    void persistCounters() {
        WireWriter w = new WireWriter(24);
        w.u8(1).uvarint(revision).svarint(time).uvarint(audit.seq());
        changes.put(Table.META, Keys.STATE, w.toByteArray());
    }

    /** Raises the feature level; the caller checked that this build supports it. */
    void setFeatureLevel(int level) {
        if (!FeatureLevel.supported(level)) {
            throw new IllegalStateException("feature level " + level + " is not supported by this build");
        }
        featureLevel = level;
        changes.put(Table.META, Keys.LEVEL, new WireWriter(4).u8(1).uvarint(level).toByteArray());
    }

    /** Notes a CheckState of the entry being applied. */
    void noteCheck(String id) {
        checks.add(id);
    }

    /**
     * The ids of the CheckState commands applied since the last call, and forgets them: the
     * replica records a digest of its store under each. Not replicated state.
     */
    public java.util.List<String> takeChecks() {
        if (checks.isEmpty()) {
            return java.util.List.of();
        }
        java.util.List<String> out = java.util.List.copyOf(checks);
        checks.clear();
        return out;
    }


    // ------------------------------------------------------------ mutations

    void putNamespace(Namespace n) {
        namespaces.put(n, changes);
    }

    void putWorker(Worker w) {
        workers.put(w, changes);
    }

    void putToken(Token t) {
        tokens.put(t, changes);
    }

    void putProvider(io.agentd.statemachine.model.Provider p) {
        providers.put(p, changes);
    }

    void removeProvider(String name) {
        providers.remove(name, changes);
    }

    /** Stores a new or changed agent and keeps every derived index in step. */
    void putAgent(Agent a) {
        agents.put(a, changes);
    }

    void removeAgent(AgentKey key) {
        agents.remove(key, changes);
    }

    /** Pending agents in FIFO order (by id). */
    Collection<AgentKey> pendingQueue() {
        return agents.pendingQueue();
    }

    void appendEvent(Event e) {
        events.append(e, changes);
    }

    /** Appends an audit record (one per applied command, rejected ones included). */
    void audit(AuditRecord a) {
        audit.append(a, changes);
    }

    byte[] dedupReply(String requestId) {
        return dedup.reply(requestId);
    }

    void putDedup(String requestId, byte[] reply) {
        dedup.put(requestId, time, reply, changes);
    }

    /** Forgets request ids older than the TTL in log time, or beyond the count bound. */
    void expireDedup() {
        dedup.expire(time, changes);
    }

    // ----------------------------------------------------------------- load

    /** An empty registry with the {@code default} namespace, as every cluster starts. */
    public static ClusterState initial() {
        ClusterState s = new ClusterState();
        s.namespaces.restore(new Namespace(Namespace.DEFAULT, Quota.UNLIMITED, 0, 0));
        s.bootstrapPending = true;
        return s;
    }

    /** Agents handed to a decoder thread at a time by {@link #load(DurableStore, int)}. */
    static final int LOAD_CHUNK = 4096;

    /**
     * Rebuilds the registry from what a store holds; an empty store gives {@link #initial()}.
     * Agents are decoded on {@link #loadDecoders()} threads.
     */
    public static ClusterState load(DurableStore store) {
        return load(store, loadDecoders());
    }

    /** Threads that decode agents in a load: one per core (the reading thread mostly waits on the store), at most 4. */
    public static int loadDecoders() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    /**
     * As {@link #load(DurableStore)}, with agents decoded on {@code decoders} threads while this
     * thread reads the store (0: all on this thread). The result is the same for any number of
     * threads: the decoded agents come back in the store's key order, and the maps and indexes
     * are built from them in that order on this thread.
     */
    public static ClusterState load(DurableStore store, int decoders) {
        return load(store, decoders, LOAD_CHUNK);
    }

    /** {@link #load(DurableStore, int)} with {@code chunk} agents per decoder task (tests use small ones). */
    static ClusterState load(DurableStore store, int decoders, int chunk) {
        byte[] counters = store.get(Table.META, Keys.STATE);
        if (counters == null) {
            return initial();
        }
        ClusterState s = new ClusterState();
        WireReader r = new WireReader(counters);
        if (r.u8() != 1) {
            throw new IllegalStateException("unknown state counters format");
        }
        s.revision = r.uvarint();
        s.time = r.svarint();
        s.audit.restore(r.uvarint());
        byte[] level = store.get(Table.META, Keys.LEVEL);
        if (level != null) {
            WireReader lr = new WireReader(level);
            if (lr.u8() != 1) {
                throw new IllegalStateException("unknown feature level format");
            }
            s.featureLevel = lr.uvarintInt();
            if (!FeatureLevel.supported(s.featureLevel)) {
                throw new IllegalStateException("the registry is at cluster feature level " + s.featureLevel
                        + "; this build supports levels " + FeatureLevel.MIN_SUPPORTED + " to "
                        + FeatureLevel.MAX_SUPPORTED + ": run a build that supports it");
            }
        }
        List<Agent> agents;
        try (OrderedDecoder<Agent> decoder = new OrderedDecoder<>(v -> EntityCodec.agent(new WireReader(v)),
                decoders, chunk, 2 * decoders + 2)) {
            store.scan(Table.ENTITIES, (k, v) -> {
                switch (k[0]) {
                    case Keys.NAMESPACE -> s.namespaces.restore(EntityCodec.namespace(new WireReader(v)));
                    case Keys.AGENT -> decoder.add(v);
                    case Keys.WORKER -> s.workers.restore(EntityCodec.worker(new WireReader(v)));
                    case Keys.TOKEN -> s.tokens.restore(EntityCodec.token(v));
                    case Keys.PROVIDER -> s.providers.restore(EntityCodec.provider(v));
                    default -> throw new IllegalStateException("unknown entity key prefix " + k[0]);
                }
            });
            agents = decoder.finish();
        }
        s.agents.load(agents);
        s.events.load(store);
        s.dedup.load(store);
        return s;
    }

    /**
     * A canonical dump of everything replicated, and of the indexes derived from it as far as
     * reads can see them, for tests: two replicas that applied the same log have equal
     * fingerprints, and so do a state and the state loaded from its store.
     */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder();
        sb.append("rev=").append(revision).append(" time=").append(time).append(" audit=").append(audit.seq())
                .append(" level=").append(featureLevel).append('\n');
        namespaces.fingerprint(sb);
        agents.fingerprint(sb);
        workers.fingerprint(sb);
        events.fingerprint(sb);
        dedup.fingerprint(sb);
        tokens.fingerprint(sb);
        providers.fingerprint(sb);
        // Derived: what usage(), usedSlots() and agentsOn() answer (zero and empty as if absent),
        // the pending and failed queues in their order, the dedup expiry order. (Not the events'
        // pruned mark: a load estimates it from the oldest event kept.)
        namespaces.fingerprintUsage(sb);
        workers.fingerprintLoad(sb);
        agents.fingerprintQueues(sb);
        dedup.fingerprintOrder(sb);
        agents.fingerprintLookUp(sb);
        return sb.toString();
    }
}
