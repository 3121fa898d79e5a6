package io.agentd.client.api;

/**
 * What went wrong.
 *
 * @param code stable error code such as {@code NOT_FOUND} or {@code QUOTA_EXCEEDED}
 * @param message human-readable message; for bad input it names the field
 */
public record ErrorDetail(String code, String message) {}
