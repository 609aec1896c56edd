package dev.berth.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Order statistics of timings, in milliseconds; percentiles by nearest rank, the median averaged. */
record Stats(double p50, double p95, double p99, double min, double max) {

    static Stats of(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int n = sorted.size();
        double p50 = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return new Stats(p50 / 1e6, rank(sorted, 0.95) / 1e6, rank(sorted, 0.99) / 1e6, sorted.getFirst() / 1e6,
                sorted.getLast() / 1e6);
    }

    private static double rank(List<Long> sorted, double quantile) {
        return sorted.get((int) Math.ceil(quantile * sorted.size()) - 1);
    }
}
