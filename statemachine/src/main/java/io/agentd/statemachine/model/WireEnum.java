package io.agentd.statemachine.model;

/** An enum with a fixed wire byte and a fixed API word, both part of the public formats. */
public interface WireEnum {
    int wire();

    String word();

    static <E extends Enum<E> & WireEnum> E fromWire(Class<E> type, int wire) {
        for (E e : type.getEnumConstants()) {
            if (e.wire() == wire) {
                return e;
            }
        }
        throw new io.agentd.statemachine.codec.WireReader.MalformedException("unknown " + type.getSimpleName() + " " + wire);
    }

    /** Parses an API word; returns null when it is not one. */
    static <E extends Enum<E> & WireEnum> E fromWord(Class<E> type, String word) {
        for (E e : type.getEnumConstants()) {
            if (e.word().equals(word)) {
                return e;
            }
        }
        return null;
    }

    static <E extends Enum<E> & WireEnum> String words(Class<E> type) {
        StringBuilder sb = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.word());
        }
        return sb.toString();
    }
}
