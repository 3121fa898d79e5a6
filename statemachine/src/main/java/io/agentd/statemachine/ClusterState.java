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
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.DurableStore;
import io.agentd.statemachine.store.Table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The registry as one replica holds it in memory: entities, the indexes derived from
 * them, the change feed and the dedup table. Every mutation also records the bytes to
 * persist in the current {@link ChangeSet}, so memory and disk move together.
 *
 * <p>Not thread-safe. Only the apply thread mutates it; readers on other threads must
 * be excluded by the caller (the daemon holds a read/write lock around apply). Every
 * collection that apply iterates is sorted, so replicas act in the same order.
 */
public final class ClusterState {
    /** Events kept for /v1/events; older ones are dropped in revision order. */
    public static final int EVENT_RETENTION = 100_000;
    /** Audit records kept; the oldest revision's record is dropped as a new one comes. */
    public static final long AUDIT_RETENTION = 100_000;
    /** How long, in log time, a request id's reply is kept for retries. */
    public static final long DEDUP_TTL_MILLIS = 60 * 60 * 1000L;
    /** At most this many request ids are remembered; the oldest go first. */
    public static final int DEDUP_MAX = 200_000;

    private final TreeMap<String, Namespace> namespaces = new TreeMap<>();
    private final TreeMap<AgentKey, Agent> agents = new TreeMap<>();
    /**
     * The same agents by key, for look-ups only (a spawn, a read, a worker's report): one probe
     * instead of a descent of {@link #agents}, which with a million agents is some twenty nodes
     * and a cache miss or more at each (a tenth of a follower's CPU in apply under spawn load).
     * Never iterated: order comes from {@link #agents}.
     */
    private final HashMap<AgentKey, Agent> agentsByKey = new HashMap<>();
    private final TreeMap<String, Worker> workers = new TreeMap<>();

    // Derived indexes, rebuilt from entities on load.
    private final Map<String, long[]> namespaceUsage = new HashMap<>(); // ns -> {agents, slots}
    private final Map<String, TreeSet<AgentKey>> workerAgents = new HashMap<>();
    private final Map<String, Integer> workerUsedSlots = new HashMap<>();
    private final TreeMap<Long, AgentKey> pending = new TreeMap<>(); // by agent id: FIFO
    private final TreeMap<Long, AgentKey> failed = new TreeMap<>(); // failed, should run: by agent id

    private final TreeMap<EventKey, Event> events = new TreeMap<>();
    private final HashMap<String, DedupEntry> dedup = new HashMap<>();
    private final TreeSet<DedupKey> dedupOrder = new TreeSet<>();

    private long revision;
    private long workerWrites; // not replicated: see workerWrites()
    private long time;
    /** Number of audit records ever written; the key of the next one. */
    private long auditSeq;
    /** Events up to this revision may have been dropped by retention (read side only). */
    private long eventsPrunedThrough;
    private ChangeSet changes = new ChangeSet();
    /** Set on a fresh registry: the first entry persists what {@link #initial()} made. */
    private boolean bootstrapPending;

    record EventKey(long revision, int seq) implements Comparable<EventKey> {
        @Override
        public int compareTo(EventKey o) {
            int c = Long.compare(revision, o.revision);
            return c != 0 ? c : Integer.compare(seq, o.seq);
        }
    }

    record DedupKey(long time, String requestId) implements Comparable<DedupKey> {
        @Override
        public int compareTo(DedupKey o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : requestId.compareTo(o.requestId);
        }
    }

    record DedupEntry(long time, byte[] reply) {
    }

    // ------------------------------------------------------------------ reads

    public long revision() {
        return revision;
    }

    /** Log time of the last applied entry, epoch millis. */
    public long time() {
        return time;
    }

    public Namespace namespace(String name) {
        return namespaces.get(name);
    }

    public Collection<Namespace> namespaces() {
        return Collections.unmodifiableCollection(namespaces.values());
    }

    /** {agents, slots in use by agents that should run} of a namespace. */
    public long[] usage(String namespace) {
        long[] u = namespaceUsage.get(namespace);
        return u == null ? new long[] {0, 0} : u.clone();
    }

    public Agent agent(AgentKey key) {
        return agentsByKey.get(key);
    }

    public Agent agent(String namespace, String name) {
        return agentsByKey.get(new AgentKey(namespace, name));
    }

    public int agentCount() {
        return agents.size();
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
        NavigableMap<AgentKey, Agent> range = agents;
        if (namespace != null) {
            range = agents.subMap(new AgentKey(namespace, ""), true, new AgentKey(namespace + "\0", ""), false);
        }
        if (after != null) {
            range = range.tailMap(after, false);
        }
        List<Agent> out = new ArrayList<>();
        for (Agent a : range.values()) {
            if (filter.test(a)) {
                out.add(a);
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
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
        return workerWrites;
    }

    public Collection<Worker> workers() {
        return Collections.unmodifiableCollection(workers.values());
    }

    public int usedSlots(String workerId) {
        return workerUsedSlots.getOrDefault(workerId, 0);
    }

    public SortedSet<AgentKey> agentsOn(String workerId) {
        TreeSet<AgentKey> s = workerAgents.get(workerId);
        return s == null ? Collections.emptySortedSet() : Collections.unmodifiableSortedSet(s);
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
        List<Agent> out = new ArrayList<>();
        for (AgentKey k : failed.values()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(agentsByKey.get(k));
        }
        return out;
    }

    public int pendingCount() {
        return pending.size();
    }

    /** Events with revision greater than {@code after}, oldest first, at most limit. */
    public List<Event> eventsAfter(long after, int limit) {
        List<Event> out = new ArrayList<>();
        for (Event e : events.tailMap(new EventKey(after, Integer.MAX_VALUE), false).values()) {
            out.add(e);
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    /** Events at or below this revision may be gone; a reader that is behind it missed some. */
    public long eventsPrunedThrough() {
        return eventsPrunedThrough;
    }

    /** Revision of the oldest retained event, or 0 when none. */
    public long oldestEventRevision() {
        return events.isEmpty() ? 0 : events.firstKey().revision();
    }

    // -------------------------------------------------------- apply plumbing

    ChangeSet changes() {
        return changes;
    }

    void beginEntry(ChangeSet cs) {
        this.changes = Objects.requireNonNull(cs);
        if (bootstrapPending) {
            bootstrapPending = false;
            namespaces.values().forEach(this::putNamespace);
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
        w.u8(1).uvarint(revision).svarint(time).uvarint(auditSeq);
        changes.put(Table.META, Keys.STATE, w.toByteArray());
    }

    // ------------------------------------------------------------ mutations

    void putNamespace(Namespace n) {
        namespaces.put(n.name(), n);
        changes.put(Table.ENTITIES, Keys.namespace(n.name()), EntityCodec.encode(n));
    }

    void putWorker(Worker w) {
        workers.put(w.id(), w);
        workerWrites++;
        changes.put(Table.ENTITIES, Keys.worker(w.id()), EntityCodec.encode(w));
    }

    /** Stores a new or changed agent and keeps every derived index in step. */
    void putAgent(Agent a) {
        AgentKey key = a.key();
        Agent old = agents.put(key, a);
        if (old != null) {
            key = agents.ceilingKey(key); // the instance the map keeps, so the indexes share it
        }
        agentsByKey.put(key, a);
        unindex(old);
        index(a, key);
        changes.put(Table.ENTITIES, Keys.agent(key), EntityCodec.encode(a));
    }

    void removeAgent(AgentKey key) {
        Agent old = agents.remove(key);
        agentsByKey.remove(key);
        unindex(old);
        changes.delete(Table.ENTITIES, Keys.agent(key));
    }

    /** Indexes an agent; {@code key} is its key, the instance the agents map holds when new (shared). */
    private void index(Agent a, AgentKey key) {
        long[] u = namespaceUsage.computeIfAbsent(a.namespace(), k -> new long[2]);
        u[0]++;
        if (a.desired() == DesiredState.RUNNING) {
            u[1] += a.spec().slots();
        }
        if (a.assigned()) {
            workerAgents.computeIfAbsent(a.worker(), k -> new TreeSet<>()).add(key);
            workerUsedSlots.merge(a.worker(), a.spec().slots(), Integer::sum);
        }
        if (a.state() == AgentState.PENDING && a.desired() == DesiredState.RUNNING) {
            pending.put(a.id(), key);
        }
        if (failedToRun(a)) {
            failed.put(a.id(), key);
        }
    }

    /** A failed agent that should run and that its policy would restart: a reschedule candidate. */
    private static boolean failedToRun(Agent a) {
        return a.state() == AgentState.FAILED && a.desired() == DesiredState.RUNNING && !a.assigned()
                && a.spec().restart() != io.agentd.statemachine.model.RestartPolicy.NEVER;
    }

    private void unindex(Agent a) {
        if (a == null) {
            return;
        }
        long[] u = namespaceUsage.get(a.namespace());
        u[0]--;
        if (a.desired() == DesiredState.RUNNING) {
            u[1] -= a.spec().slots();
        }
        if (a.assigned()) {
            TreeSet<AgentKey> s = workerAgents.get(a.worker());
            s.remove(a.key());
            if (s.isEmpty()) {
                workerAgents.remove(a.worker());
            }
            workerUsedSlots.merge(a.worker(), -a.spec().slots(), Integer::sum);
        }
        pending.remove(a.id());
        failed.remove(a.id());
    }

    /** Pending agents in FIFO order (by id). */
    Collection<AgentKey> pendingQueue() {
        return pending.values();
    }

    void appendEvent(Event e) {
        events.put(new EventKey(e.revision(), e.seq()), e);
        changes.put(Table.EVENTS, Keys.event(e.revision(), e.seq()), EntityCodec.event(e));
        while (events.size() > EVENT_RETENTION) {
            EventKey k = events.pollFirstEntry().getKey();
            eventsPrunedThrough = Math.max(eventsPrunedThrough, k.revision());
            changes.delete(Table.EVENTS, Keys.event(k.revision(), k.seq()));
        }
    }

    /** Appends an audit record (one per applied command, rejected ones included). */
    void audit(AuditRecord a) {
        long seq = ++auditSeq;
        changes.put(Table.AUDIT, Keys.revision(seq), EntityCodec.audit(a));
        if (seq > AUDIT_RETENTION) {
            changes.delete(Table.AUDIT, Keys.revision(seq - AUDIT_RETENTION));
        }
    }

    byte[] dedupReply(String requestId) {
        DedupEntry e = dedup.get(requestId);
        return e == null ? null : e.reply();
    }

    void putDedup(String requestId, byte[] reply) {
        DedupEntry old = dedup.put(requestId, new DedupEntry(time, reply));
        if (old != null) {
            dedupOrder.remove(new DedupKey(old.time(), requestId));
        }
        dedupOrder.add(new DedupKey(time, requestId));
        WireWriter w = new WireWriter(reply.length + 12);
        w.i64(time).raw(reply);
        changes.put(Table.DEDUP, Keys.requestId(requestId), w.toByteArray());
    }

    /** Forgets request ids older than the TTL in log time, or beyond the count bound. */
    void expireDedup() {
        while (!dedupOrder.isEmpty()) {
            DedupKey oldest = dedupOrder.first();
            if (oldest.time() >= time - DEDUP_TTL_MILLIS && dedupOrder.size() <= DEDUP_MAX) {
                return;
            }
            dedupOrder.pollFirst();
            dedup.remove(oldest.requestId());
            changes.delete(Table.DEDUP, Keys.requestId(oldest.requestId()));
        }
    }

    // ----------------------------------------------------------------- load

    /** An empty registry with the {@code default} namespace, as every cluster starts. */
    public static ClusterState initial() {
        ClusterState s = new ClusterState();
        s.namespaces.put(Namespace.DEFAULT, new Namespace(Namespace.DEFAULT, Quota.UNLIMITED, 0, 0));
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
        s.auditSeq = r.uvarint();
        List<Agent> agents;
        try (OrderedDecoder<Agent> decoder = new OrderedDecoder<>(v -> EntityCodec.agent(new WireReader(v)),
                decoders, chunk, 2 * decoders + 2)) {
            store.scan(Table.ENTITIES, (k, v) -> {
                switch (k[0]) {
                    case Keys.NAMESPACE -> {
                        Namespace n = EntityCodec.namespace(new WireReader(v));
                        s.namespaces.put(n.name(), n);
                    }
                    case Keys.AGENT -> decoder.add(v);
                    case Keys.WORKER -> {
                        Worker w = EntityCodec.worker(new WireReader(v));
                        s.workers.put(w.id(), w);
                    }
                    default -> throw new IllegalStateException("unknown entity key prefix " + k[0]);
                }
            });
            agents = decoder.finish();
        }
        s.loadAgents(agents);
        s.loadEvents(store);
        s.loadDedup(store);
        return s;
    }

    /**
     * Puts the agents of a load, in the store's key order, and builds the indexes. The store's
     * byte order of agent keys is their {@link AgentKey} order for every name the API accepts, so
     * the maps are built from sorted arrays in linear time; were it ever not, each agent is put
     * in turn (the same state, only slower).
     */
    private void loadAgents(List<Agent> inStoreOrder) {
        int n = inStoreOrder.size();
        Agent[] byKey = inStoreOrder.toArray(new Agent[0]);
        AgentKey[] keys = new AgentKey[n];
        for (int i = 0; i < n; i++) {
            keys[i] = byKey[i].key();
            agentsByKey.put(keys[i], byKey[i]);
        }
        if (!agents.isEmpty() || SortedArrays.firstOutOfOrder(keys, n) < n) {
            for (int i = 0; i < n; i++) {
                agents.put(keys[i], byKey[i]);
                index(byKey[i], keys[i]);
            }
            return;
        }
        SortedArrays.fill(agents, keys, byKey, n);
        // What index() does one agent at a time, with the sorted structures built in one go.
        Map<String, List<AgentKey>> onWorker = new HashMap<>();
        List<Integer> pendingAt = new ArrayList<>();
        List<Integer> failedAt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Agent a = byKey[i];
            long[] u = namespaceUsage.computeIfAbsent(a.namespace(), k -> new long[2]);
            u[0]++;
            if (a.desired() == DesiredState.RUNNING) {
                u[1] += a.spec().slots();
            }
            if (a.assigned()) {
                onWorker.computeIfAbsent(a.worker(), k -> new ArrayList<>()).add(keys[i]);
                workerUsedSlots.merge(a.worker(), a.spec().slots(), Integer::sum);
            }
            if (a.state() == AgentState.PENDING && a.desired() == DesiredState.RUNNING) {
                pendingAt.add(i);
            }
            if (failedToRun(a)) {
                failedAt.add(i);
            }
        }
        onWorker.forEach((worker, ks) -> {
            TreeSet<AgentKey> set = new TreeSet<>();
            SortedArrays.fill(set, ks.toArray(new AgentKey[0]), ks.size());
            workerAgents.put(worker, set);
        });
        fillById(pending, pendingAt, byKey, keys);
        fillById(failed, failedAt, byKey, keys);
    }

    /** Puts id -> key of the agents at the given positions into an empty by-id index. */
    private static void fillById(TreeMap<Long, AgentKey> index, List<Integer> at, Agent[] byKey, AgentKey[] keys) {
        int m = at.size();
        Long[] ids = new Long[m];
        AgentKey[] values = new AgentKey[m];
        for (int j = 0; j < m; j++) {
            ids[j] = byKey[at.get(j)].id();
            values[j] = keys[at.get(j)];
        }
        SortedArrays.putAll(index, ids, values, m);
    }

    private void loadEvents(DurableStore store) {
        List<EventKey> keys = new ArrayList<>();
        List<Event> values = new ArrayList<>();
        store.scan(Table.EVENTS, (k, v) -> {
            Event e = EntityCodec.event(v);
            keys.add(new EventKey(e.revision(), e.seq()));
            values.add(e);
        });
        SortedArrays.putAll(events, keys.toArray(new EventKey[0]), values.toArray(new Event[0]), keys.size());
        if (events.size() >= EVENT_RETENTION) {
            eventsPrunedThrough = events.firstKey().revision() - 1;
        }
    }

    private void loadDedup(DurableStore store) {
        List<DedupKey> order = new ArrayList<>();
        store.scan(Table.DEDUP, (k, v) -> {
            WireReader vr = new WireReader(v);
            long t = vr.i64();
            byte[] reply = java.util.Arrays.copyOfRange(v, 8, v.length);
            String id = new String(k, java.nio.charset.StandardCharsets.UTF_8);
            dedup.put(id, new DedupEntry(t, reply));
            order.add(new DedupKey(t, id));
        });
        DedupKey[] sorted = order.toArray(new DedupKey[0]);
        java.util.Arrays.sort(sorted);
        SortedArrays.addAll(dedupOrder, sorted, sorted.length);
    }

    /**
     * A canonical dump of everything replicated, and of the indexes derived from it as far as
     * reads can see them, for tests: two replicas that applied the same log have equal
     * fingerprints, and so do a state and the state loaded from its store.
     */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder();
        sb.append("rev=").append(revision).append(" time=").append(time).append(" audit=").append(auditSeq).append('\n');
        namespaces.values().forEach(n -> sb.append(n).append('\n'));
        agents.values().forEach(a -> sb.append(a).append('\n'));
        workers.values().forEach(w -> sb.append(w).append('\n'));
        events.values().forEach(e -> sb.append(e).append('\n'));
        new TreeMap<>(dedup).forEach((k, v) -> sb.append(k).append('@').append(v.time()).append('=')
                .append(java.util.HexFormat.of().formatHex(v.reply())).append('\n'));
        // Derived: what usage(), usedSlots() and agentsOn() answer (zero and empty as if absent),
        // the pending and failed queues in their order, the dedup expiry order. (Not the events'
        // pruned mark: a load estimates it from the oldest event kept.)
        new TreeMap<>(namespaceUsage).forEach((k, v) -> {
            if (v[0] != 0 || v[1] != 0) {
                sb.append("usage ").append(k).append('=').append(v[0]).append('/').append(v[1]).append('\n');
            }
        });
        new TreeMap<>(workerUsedSlots).forEach((k, v) -> {
            if (v != 0) {
                sb.append("slots ").append(k).append('=').append(v).append('\n');
            }
        });
        new TreeMap<>(workerAgents).forEach((k, v) -> sb.append("on ").append(k).append('=').append(v).append('\n'));
        sb.append("pending ").append(pending).append('\n');
        sb.append("failed ").append(failed).append('\n');
        sb.append("dedup order ").append(dedupOrder).append('\n');
        // The look-up map holds exactly the ordered map's agents (it is never printed: its order is not defined).
        long astray = agents.entrySet().stream().filter(e -> agentsByKey.get(e.getKey()) != e.getValue()).count();
        if (astray != 0 || agentsByKey.size() != agents.size()) {
            sb.append("look-up map differs: ").append(astray).append(" agents, size ").append(agentsByKey.size()).append('\n');
        }
        return sb.toString();
    }
}
