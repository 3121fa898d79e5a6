package io.agentd.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How an {@link AgentdClient} carries one HTTP/1.1 exchange. Failures are
 * {@link TransportException}s that say whether the request may have reached the server, which
 * is what decides whether a call can be repeated elsewhere.
 *
 * <p>Implementations are thread-safe.
 */
interface HttpTransport {

  /**
   * Sends one request and reads the whole answer, within {@code timeout} for the answer
   * (connecting has its own, shorter bound set when the transport was made).
   *
   * @param headers request headers (names as sent)
   * @param body the request body, or null for none
   * @throws TransportException when no complete answer came
   * @throws InterruptedException when the calling thread was interrupted while it waited
   */
  Response exchange(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws TransportException, InterruptedException;

  /** A complete answer: status, headers by lower-case name (first value), body (empty when none). */
  record Response(int status, Map<String, String> headers, byte[] body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
  }

  /** An exchange that brought no answer. */
  final class TransportException extends IOException {
    /** What is known of the request's fate. */
    enum Kind {
      /** Never left this process (refused, no route, unknown host, connect timeout): safe to repeat. */
      NOT_SENT,
      /** Sent, no answer within the timeout: it may have been applied. */
      TIMEOUT,
      /** Sent or maybe sent, then the connection broke: it may have been applied. */
      BROKEN,
      /**
       * The TLS handshake failed (a certificate not trusted, on either side): the server acted on
       * nothing, and the same endpoint will fail the same way.
       */
      TLS
    }

    private final Kind kind;

    TransportException(Kind kind, String message, Throwable cause) {
      super(message, cause);
      this.kind = kind;
    }

    Kind kind() {
      return kind;
    }
  }
}
