package io.agentd.daemon.coordinator;

import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.Token;

import java.util.Collections;
import java.util.SortedSet;

/**
 * Who a request comes from, as its token says: the token's id (the audit trail's actor), its
 * role, the namespaces an operator or reader token is limited to (empty: all), and the worker a
 * worker token acts for. {@link #ANONYMOUS} stands for every request where authentication is off
 * ({@code agentd dev}, {@code insecure: true}): it may do everything.
 */
public record Principal(String actor, Role role, SortedSet<String> namespaces, String workerId) {
    /** Authentication is off: the request may do everything, and is audited as "anonymous". */
    public static final Principal ANONYMOUS = new Principal("anonymous", Role.ADMIN, Collections.emptySortedSet(), null);

    public static Principal of(Token t) {
        return new Principal(t.id(), t.role(), t.namespaces(), t.workerId());
    }

    public boolean admin() {
        return role == Role.ADMIN;
    }

    /** Whether this principal's namespaces include {@code namespace} (every one when unscoped). */
    public boolean covers(String namespace) {
        return namespaces.isEmpty() || namespaces.contains(namespace);
    }

    /** Reads of agents, namespaces and their events: admin, operator, reader, within their namespaces. */
    public boolean mayRead(String namespace) {
        return role != Role.WORKER && (namespace == null ? true : covers(namespace));
    }

    /** Changes to agents and namespaces: admin and operator, within their namespaces. */
    public boolean mayOperate(String namespace) {
        return (role == Role.ADMIN || role == Role.OPERATOR) && (namespace == null ? namespaces.isEmpty()
                : covers(namespace));
    }

    /** What only worker {@code id} (or an admin) may do: register, renew, report. */
    public boolean actsFor(String workerId) {
        return role == Role.ADMIN || (role == Role.WORKER && workerId != null && workerId.equals(this.workerId));
    }

    /** The role word of the audit trail. */
    public String roleWord() {
        return this == ANONYMOUS ? "" : role.word();
    }

    @Override
    public String toString() {
        return this == ANONYMOUS ? "anonymous" : "token " + actor + " (" + role.word()
                + (namespaces.isEmpty() ? "" : " of " + String.join(",", namespaces))
                + (workerId == null ? "" : " for worker " + workerId) + ")";
    }
}
