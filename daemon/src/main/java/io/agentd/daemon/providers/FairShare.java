package io.agentd.daemon.providers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Weighted max-min fair division of one limit (docs/providers.md, "Fair shares"): no claim gets
 * more than it asks, and a claim gets less than it asks only where no claim with a lower share
 * per unit of weight could give up any. Pure and deterministic.
 */
public final class FairShare {

    private FairShare() {
    }

    /**
     * Divides {@code capacity} among claims: each gets {@code min(demand, level * weight)}, with
     * the level that hands out all of {@code capacity} when the demands exceed it, else exactly
     * its demand.
     *
     * @param demands what each claim asks, each 0 or more
     * @param weights each claim's weight, each more than 0
     */
    public static double[] divide(double capacity, double[] demands, double[] weights) {
        int n = demands.length;
        double[] out = new double[n];
        double total = 0;
        for (double d : demands) {
            total += d;
        }
        if (total <= capacity) {
            System.arraycopy(demands, 0, out, 0, n);
            return out;
        }
        // Water-filling: claims in order of demand per weight; each either is satisfied at the
        // current level or caps every claim still open at that level.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> demands[i] / weights[i]).thenComparingInt(i -> i));
        double left = capacity;
        double openWeight = 0;
        for (double w : weights) {
            openWeight += w;
        }
        for (int k = 0; k < n; k++) {
            int i = order[k];
            double level = left / openWeight;
            if (demands[i] <= level * weights[i]) {
                out[i] = demands[i];
                left -= demands[i];
                openWeight -= weights[i];
            } else {
                for (int j = k; j < n; j++) {
                    int c = order[j];
                    out[c] = level * weights[c];
                }
                break;
            }
        }
        return out;
    }

    /** One worker's claim on a provider for one namespace's agents. */
    public record Claim(String worker, String namespace, double demand) {
    }

    /**
     * Divides {@code capacity} first among namespaces, by their weights ({@code shares}; 1 for a
     * namespace not named), each asking the sum of its workers' demands; then each namespace's
     * part among its workers, equally weighted. The answer has an entry per claim, in the order given.
     */
    public static double[] divide(double capacity, List<Claim> claims, Map<String, Integer> shares) {
        Map<String, List<Integer>> byNamespace = new TreeMap<>();
        for (int i = 0; i < claims.size(); i++) {
            byNamespace.computeIfAbsent(claims.get(i).namespace(), ns -> new ArrayList<>()).add(i);
        }
        String[] namespaces = byNamespace.keySet().toArray(String[]::new);
        double[] nsDemand = new double[namespaces.length];
        double[] nsWeight = new double[namespaces.length];
        for (int k = 0; k < namespaces.length; k++) {
            for (int i : byNamespace.get(namespaces[k])) {
                nsDemand[k] += claims.get(i).demand();
            }
            nsWeight[k] = shares.getOrDefault(namespaces[k], 1);
        }
        double[] nsPart = divide(capacity, nsDemand, nsWeight);
        double[] out = new double[claims.size()];
        for (int k = 0; k < namespaces.length; k++) {
            List<Integer> at = byNamespace.get(namespaces[k]);
            double[] d = new double[at.size()];
            double[] w = new double[at.size()];
            for (int j = 0; j < at.size(); j++) {
                d[j] = claims.get(at.get(j)).demand();
                w[j] = 1;
            }
            double[] got = divide(nsPart[k], d, w);
            for (int j = 0; j < at.size(); j++) {
                out[at.get(j)] = got[j];
            }
        }
        return out;
    }
}
