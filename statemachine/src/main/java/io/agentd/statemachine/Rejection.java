package io.agentd.statemachine;

/**
 * A domain rejection: the command is refused and changes nothing. Thrown by validation
 * and by the rules before they mutate anything; apply turns it into a reply.
 */
public final class Rejection extends RuntimeException {
    private final ErrorCode code;

    public Rejection(ErrorCode code, String message) {
        super(message, null, false, false);
        if (code == ErrorCode.OK) {
            throw new IllegalArgumentException("a rejection needs an error code");
        }
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static Rejection invalid(String message) {
        return new Rejection(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static Rejection notFound(String message) {
        return new Rejection(ErrorCode.NOT_FOUND, message);
    }
}
