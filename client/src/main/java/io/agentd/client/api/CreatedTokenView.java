package io.agentd.client.api;

/**
 * The answer to a token's creation: the token and its secret, shown this once and kept nowhere.
 *
 * @param token the token
 * @param secret what a client sends as {@code Authorization: Bearer SECRET}
 */
public record CreatedTokenView(TokenView token, String secret) {}
