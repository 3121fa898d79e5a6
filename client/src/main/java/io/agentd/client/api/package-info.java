/**
 * Wire types of the agentd HTTP/JSON API v1 ({@code docs/api.md}): one record per request
 * and response object, with exactly the API's JSON field names.
 *
 * <p>The daemon serializes its answers with these records and the client reads them, so a
 * change here is a change of the public contract: add fields, never rename them. Boxed
 * types mark the fields the contract allows to be {@code null}; collections are never
 * {@code null} (a missing one reads as empty).
 */
package io.agentd.client.api;
