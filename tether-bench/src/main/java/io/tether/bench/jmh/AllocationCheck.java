package io.tether.bench.jmh;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The allocation budget: runs {@link AllocationBenchmarks} with JMH's GC profiler and prints, per
 * benchmark and payload size, the bytes allocated per message against the budget below (what
 * docs/benchmarks.md records, plus 10 % for JIT variance), {@code OVER} where a change went past
 * it. Bytes per operation do not drift with the machine's load as times do, so this is a check a
 * change can run before and after; it is not a unit test, and it fails nothing by itself but its
 * exit code (1 when anything is over).
 */
public final class AllocationCheck {
    /**
     * Bytes per message measured on 2026-12-02 (docs/benchmarks.md, "Allocation per message"), by
     * benchmark and payload size ({@code name/size}).
     */
    static final Map<String, Double> MEASURED = Map.ofEntries(
            Map.entry("plainSend/32", 288.0), Map.entry("plainSend/4096", 288.0),
            Map.entry("plainReceive/32", 120.0), Map.entry("plainReceive/4096", 120.0),
            Map.entry("v1Send/32", 380.0), Map.entry("v1Send/4096", 380.0),
            // 294 to 346 from run to run: what escape analysis removes on this path varies per JIT.
            Map.entry("v1Receive/32", 346.0), Map.entry("v1Receive/4096", 346.0),
            Map.entry("plainFanoutEncodedOnce/32", 241.0), Map.entry("plainFanoutEncodedOnce/4096", 282.0),
            Map.entry("plainFanoutEncodedPerMember/32", 288.0), Map.entry("plainFanoutEncodedPerMember/4096", 288.0),
            Map.entry("v1FanoutEncodedOnce/32", 441.0), Map.entry("v1FanoutEncodedOnce/4096", 478.0),
            // A copy of the payload per member: 4 KiB plus the per-member objects.
            Map.entry("v1FanoutEncodedPerMember/32", 488.0), Map.entry("v1FanoutEncodedPerMember/4096", 4549.0));
    static final double MARGIN = 1.10;

    private AllocationCheck() {
    }

    /** Runs the benchmarks (about 2 minutes); returns 0 when all are within budget, else 1. */
    public static int run(PrintStream out) throws RunnerException {
        Options options = new OptionsBuilder().include(AllocationBenchmarks.class.getName())
                .addProfiler(GCProfiler.class).forks(1).warmupIterations(3).measurementIterations(3)
                .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1))
                .timeUnit(TimeUnit.NANOSECONDS).build();
        Collection<RunResult> results = new Runner(options).run();
        int over = 0;
        out.printf("%-30s %6s %10s %10s  %s%n", "benchmark", "size", "B/msg", "budget", "");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            String size = r.getParams().getParam("size");
            Result<?> norm = r.getSecondaryResults().get("gc.alloc.rate.norm");
            double bytes = norm == null ? Double.NaN : norm.getScore();
            Double measured = MEASURED.get(name + "/" + size);
            double budget = measured == null ? Double.NaN : measured * MARGIN;
            boolean isOver = !(bytes <= budget);
            if (isOver) {
                over++;
            }
            out.printf("%-30s %6s %10.1f %10.1f  %s%n", name, size, bytes, budget, isOver ? "OVER" : "ok");
        }
        out.println(over == 0 ? "allocation check: all within budget" : "allocation check: " + over + " over budget");
        return over == 0 ? 0 : 1;
    }
}
