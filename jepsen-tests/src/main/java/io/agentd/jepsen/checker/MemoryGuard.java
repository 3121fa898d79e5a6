package io.agentd.jepsen.checker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Tells a search to give up (verdict unknown) before its memo fills the heap: true when a heap
 * pool was still nearly full right after its last collection, i.e. with live data. Read-only: it
 * sets no JVM-wide thresholds.
 */
final class MemoryGuard {
    private static final double FULL = 0.85;
    private static final List<MemoryPoolMXBean> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
            .toList();

    private MemoryGuard() {
    }

    static boolean heapNearlyFull() {
        for (MemoryPoolMXBean pool : HEAP_POOLS) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            long max = pool.getUsage().getMax();
            if (afterGc != null && max > 0 && afterGc.getUsed() > FULL * max) {
                return true;
            }
        }
        return false;
    }
}
