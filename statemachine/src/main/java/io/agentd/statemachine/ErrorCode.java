package io.agentd.statemachine;

/**
 * Outcome codes of commands. The wire value of each code is part of the log and reply
 * format and never changes; the names match the API's error codes.
 */
public enum ErrorCode {
    OK(0),
    INVALID_ARGUMENT(1),
    NOT_FOUND(2),
    ALREADY_EXISTS(3),
    VERSION_MISMATCH(4),
    FAILED_PRECONDITION(5),
    QUOTA_EXCEEDED(6),
    /** The command's token may not do this (a worker's token reporting on another worker's agent). */
    PERMISSION_DENIED(7);

    private final int wire;

    ErrorCode(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    public static ErrorCode fromWire(int wire) {
        for (ErrorCode c : values()) {
            if (c.wire == wire) {
                return c;
            }
        }
        throw new io.agentd.statemachine.codec.WireReader.MalformedException("unknown error code " + wire);
    }
}
