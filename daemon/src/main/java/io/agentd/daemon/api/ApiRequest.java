package io.agentd.daemon.api;

import io.agentd.daemon.coordinator.Principal;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the API handlers see it; path parameters are filled by the router, the
 * principal by authentication ({@link Principal#ANONYMOUS} where it is off or not asked for).
 *
 * @param remote the client's address, host:port
 */
public record ApiRequest(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                         byte[] body, Map<String, String> params, Principal principal, String remote) {

    public ApiRequest(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                      byte[] body, Map<String, String> params) {
        this(method, path, query, headers, body, params, Principal.ANONYMOUS, "");
    }

    public String param(String name) {
        return params.get(name);
    }

    /** The single value of a query parameter, or null. Repeating a single-valued one is an error. */
    public String query(String name) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw ApiException.invalid("query parameter '" + name + "' is given more than once");
        }
        return v.get(0);
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    public boolean flag(String name) {
        String v = query(name);
        if (v == null) {
            return false;
        }
        if (v.isEmpty() || v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw ApiException.invalid("query parameter '" + name + "' must be true or false, got '" + v + "'");
    }

    public long longQuery(String name, long dflt, long min, long max) {
        String v = query(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw ApiException.invalid("query parameter '" + name + "' must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("query parameter '" + name + "' must be a whole number, got '" + v + "'");
        }
    }

    ApiRequest withParams(Map<String, String> p) {
        return new ApiRequest(method, path, query, headers, body, p, principal, remote);
    }

    ApiRequest withPrincipal(Principal p) {
        return new ApiRequest(method, path, query, headers, body, params, p, remote);
    }
}
