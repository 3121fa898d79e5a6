package io.agentd.jepsen.model;

import java.util.Objects;

/** A register's content: a string, or absent ({@code nil}), which differs from every string. */
public record RegisterValue(boolean present, String text) {
    public static final RegisterValue ABSENT = new RegisterValue(false, "");

    public RegisterValue {
        Objects.requireNonNull(text, "text");
        if (!present && !text.isEmpty()) {
            throw new IllegalArgumentException("an absent value has no text");
        }
    }

    public static RegisterValue of(String text) {
        return new RegisterValue(true, text);
    }

    public static RegisterValue of(long number) {
        return of(Long.toString(number));
    }

    @Override
    public String toString() {
        return present ? text : "nil";
    }
}
