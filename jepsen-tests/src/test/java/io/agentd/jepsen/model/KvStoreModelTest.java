package io.agentd.jepsen.model;

import io.agentd.jepsen.checker.LinearizabilityChecker;
import io.agentd.jepsen.checker.Verdict;
import io.agentd.jepsen.history.Op;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KvStoreModelTest {
    private static final KvStoreModel MODEL = KvStoreModel.INSTANCE;

    private static Op<KvInput, KvOutput> get(String key, long call, long ret, String value) {
        return new Op<>(0, new KvInput.Get(key), new KvOutput.Value(value), call, ret);
    }

    private static Op<KvInput, KvOutput> put(String key, long call, long ret, String value) {
        return new Op<>(1, new KvInput.Put(key, value), KvOutput.Done.OK, call, ret);
    }

    private static Op<KvInput, KvOutput> append(String key, long call, long ret, String value) {
        return new Op<>(2, new KvInput.Append(key, value), KvOutput.Done.OK, call, ret);
    }

    @SafeVarargs
    @SuppressWarnings("varargs") // the array only goes into an immutable list
    private static Verdict verdict(Op<KvInput, KvOutput>... ops) {
        return LinearizabilityChecker.check(MODEL, List.of(ops)).verdict();
    }

    @Test
    void stepsFollowGetPutAppend() {
        assertThat(MODEL.initialState()).isEmpty();
        assertThat(MODEL.step("ab", new KvInput.Append("k", "c"), KvOutput.Done.OK)).contains("abc");
        assertThat(MODEL.step("ab", new KvInput.Put("k", "c"), KvOutput.Done.OK)).contains("c");
        assertThat(MODEL.step("ab", new KvInput.Get("k"), new KvOutput.Value("ab"))).contains("ab");
        assertThat(MODEL.step("ab", new KvInput.Get("k"), new KvOutput.Value("a"))).isEmpty();
        assertThat(MODEL.step("ab", new KvInput.Get("k"), KvOutput.Unknown.UNKNOWN)).contains("ab");
        assertThat(MODEL.step("ab", new KvInput.Append("k", "c"), KvOutput.Unknown.UNKNOWN)).contains("abc");
    }

    @Test
    void concurrentAppendsLandInOneOrder() {
        assertThat(verdict(append("k", 1, 10, "x"), append("k", 2, 10, "y"), get("k", 11, 12, "yx")))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(append("k", 1, 2, "x"), append("k", 3, 4, "y"), get("k", 11, 12, "yx")))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(verdict(append("k", 1, 10, "x"), append("k", 2, 10, "y"), get("k", 11, 12, "x")))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void putReplacesAndKeysAreIndependent() {
        assertThat(verdict(append("a", 1, 2, "x"), put("a", 3, 4, "p"), append("b", 3, 4, "q"),
                get("a", 5, 6, "p"), get("b", 5, 6, "q"))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(get("a", 1, 2, ""), get("b", 1, 2, "q"))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void partitionsByKeyInKeyOrder() {
        List<Partition<KvInput, KvOutput>> parts = MODEL.partition(List.of(
                get("b", 1, 2, ""), get("a", 3, 4, ""), get("b", 5, 6, "")));
        assertThat(parts).extracting(Partition::name).containsExactly("a", "b");
        assertThat(parts.get(1).ops()).hasSize(2);
    }
}
