package io.agentd.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A successful answer of the API.
 *
 * @param status HTTP status, e.g. 200, or 201 when something was created
 * @param value the answer read as its wire type
 * @param json the answer exactly as the server sent it, including fields this client does not
 *     know
 * @param revision the {@code X-Agentd-Revision} header, or 0 when absent
 * @param continueToken the {@code X-Agentd-Continue} header of a full list page (ask for the next
 *     page with it), or {@code null}
 * @param <T> wire type of the answer
 */
public record ApiReply<T>(int status, T value, JsonNode json, long revision, String continueToken) {

  public ApiReply(int status, T value, JsonNode json, long revision) {
    this(status, value, json, revision, null);
  }
}
