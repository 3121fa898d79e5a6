package io.agentd.daemon.providers;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Weighted max-min fairness over any demands and weights. */
class FairShareProperties {
    private static final double EPS = 1e-6;

    record Case(double[] demands, double[] weights) {
    }

    @Provide
    Arbitrary<Case> claims() {
        return Arbitraries.integers().between(1, 12).flatMap(n -> Combinators.combine(
                Arbitraries.doubles().between(0, 1000).ofScale(3).array(double[].class).ofSize(n),
                Arbitraries.integers().between(1, 10).map(Integer::doubleValue).array(double[].class).ofSize(n))
                .as(Case::new));
    }

    @Property(tries = 500)
    void noClaimGetsMoreThanItAsksAndTheCapacityIsUsedWhereAsked(@ForAll("claims") Case c,
                                                                   @ForAll @DoubleRange(min = 0, max = 5000) double capacity) {
        double[] a = FairShare.divide(capacity, c.demands(), c.weights());
        double sum = 0;
        double asked = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isBetween(-EPS, c.demands()[i] + EPS);
            sum += a[i];
            asked += c.demands()[i];
        }
        assertThat(sum).isCloseTo(Math.min(capacity, asked), within(1e-6 * Math.max(1, capacity)));
    }

    @Property(tries = 500)
    void aClaimGetsLessThanItAsksOnlyWhereNoOneHasMorePerWeight(@ForAll("claims") Case c,
                                                               @ForAll @DoubleRange(min = 0, max = 5000) double capacity) {
        double[] a = FairShare.divide(capacity, c.demands(), c.weights());
        for (int i = 0; i < a.length; i++) {
            if (a[i] < c.demands()[i] - EPS) {
                for (int j = 0; j < a.length; j++) {
                    assertThat(a[j] / c.weights()[j]).as("claim %d against unsatisfied claim %d", j, i)
                            .isLessThanOrEqualTo(a[i] / c.weights()[i] + EPS);
                }
            }
        }
    }

    @Property(tries = 200)
    void namespacesShareByWeightThenTheirWorkersEqually(@ForAll @IntRange(min = 1, max = 6) int workers,
                                                        @ForAll @DoubleRange(min = 1, max = 2000) double capacity) {
        // Every claim asks for everything: namespace a (weight 3) gets three quarters, b one
        // quarter, each split evenly over its workers.
        List<FairShare.Claim> claims = new java.util.ArrayList<>();
        for (int w = 0; w < workers; w++) {
            claims.add(new FairShare.Claim("w" + w, "a", 1e6));
            claims.add(new FairShare.Claim("w" + w, "b", 1e6));
        }
        double[] a = FairShare.divide(capacity, claims, Map.of("a", 3));
        for (int i = 0; i < claims.size(); i++) {
            double expected = (claims.get(i).namespace().equals("a") ? 0.75 : 0.25) * capacity / workers;
            assertThat(a[i]).isCloseTo(expected, within(1e-6 * capacity));
        }
    }
}
