package io.agentd.daemon.api;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Path templates like {@code /v1/namespaces/{ns}/agents/{name}} to handlers. */
public final class Router {
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<ApiResponse> handle(ApiRequest request);
    }

    private record Route(HttpMethod method, String[] parts, Guard guard, Handler handler, String template) {
    }

    public record Match(Guard guard, Handler handler, Map<String, String> params, String template) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** A route and who may call it ({@link Guard}). */
    public Router add(HttpMethod method, String template, Guard guard, Handler handler) {
        routes.add(new Route(method, split(template), guard, handler, template));
        return this;
    }

    public Router get(String template, Guard guard, Handler h) {
        return add(HttpMethod.GET, template, guard, h);
    }

    public Router post(String template, Guard guard, Handler h) {
        return add(HttpMethod.POST, template, guard, h);
    }

    public Router put(String template, Guard guard, Handler h) {
        return add(HttpMethod.PUT, template, guard, h);
    }

    public Router delete(String template, Guard guard, Handler h) {
        return add(HttpMethod.DELETE, template, guard, h);
    }

    /** The matching route for a raw (still percent-encoded) path; 404 when no template fits the path, 405 when only the method differs. */
    public Match match(HttpMethod method, String path) {
        String[] parts = split(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = bind(r.parts, parts);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method) || (method.equals(HttpMethod.HEAD) && r.method.equals(HttpMethod.GET))) {
                return new Match(r.guard, r.handler, params, r.template);
            }
            allowed.add(r.method.name());
        }
        if (!allowed.isEmpty()) {
            throw new ApiException(405, "METHOD_NOT_ALLOWED", method.name() + " is not allowed on " + path
                    + " (allowed: " + String.join(", ", allowed) + ")");
        }
        throw ApiException.notFound("no such path: " + path);
    }

    private static Map<String, String> bind(String[] template, String[] parts) {
        if (template.length != parts.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1),
                        io.netty.handler.codec.http.QueryStringDecoder.decodeComponent(parts[i]));
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
