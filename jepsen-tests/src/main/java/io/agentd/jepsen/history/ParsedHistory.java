package io.agentd.jepsen.history;

import io.agentd.jepsen.model.Model;
import java.util.List;
import java.util.Objects;

/** A history read from a file, with the model it is to be checked against. */
public record ParsedHistory<S, I, O>(HistoryFormat format, Model<S, I, O> model, List<Op<I, O>> ops) {
    public ParsedHistory {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(model, "model");
        ops = List.copyOf(ops);
    }
}
