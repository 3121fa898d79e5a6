package io.agentd.client.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** @param to the worker to move to, or {@code null} for any other ready worker */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrateRequest(String to) {}
