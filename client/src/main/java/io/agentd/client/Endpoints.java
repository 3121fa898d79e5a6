package io.agentd.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** Parses coordinator addresses such as {@code http://10.0.0.1:7420} or {@code 10.0.0.1:7420}. */
public final class Endpoints {

  /** The API's default port. */
  public static final int DEFAULT_PORT = 7420;

  private Endpoints() {}

  /**
   * Parses a comma-separated list of endpoints. An address without a scheme is taken as
   * {@code http}, one without a port gets {@value #DEFAULT_PORT}.
   *
   * @throws IllegalArgumentException naming the address that is not valid, or when none is given
   */
  public static List<URI> parse(String commaSeparated) {
    List<URI> endpoints = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      String address = part.strip();
      if (!address.isEmpty()) {
        endpoints.add(parseOne(address));
      }
    }
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoint given");
    }
    return List.copyOf(endpoints);
  }

  /** Parses one endpoint; see {@link #parse(String)}. */
  public static URI parseOne(String address) {
    String withScheme = address.contains("://") ? address : "http://" + address;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an endpoint address: '" + address + "'");
    }
    String scheme = uri.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("endpoint '" + address + "': scheme must be http or https");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("endpoint '" + address + "': no host");
    }
    boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
    if (!bare || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("endpoint '" + address + "': give only scheme, host and port");
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    return URI.create(scheme.toLowerCase() + "://" + hostForUri(uri.getHost()) + ":" + port);
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
