package io.tether.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.app.PromQuery.Selector;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The name finder MonitoringConfigTest relies on: names and labels found, nothing else taken for one. */
class PromQueryTest {
    @Test
    void findsMetricNamesAndTheirMatcherLabels_notFunctionsKeywordsDurationsOrNumbers() {
        PromQuery q = PromQuery.of("histogram_quantile(0.99, sum by (node, le) (rate(a_bucket{node=~\"$node\","
                + "x=\"a,b}c\"}[$__rate_interval]))) / on (node) group_left max without (gc) (b)"
                + " > 3 * c offset 1h and vector(1e3) or d_total{y!=\"\"}[5m:1m] unless e > bool 0");
        assertThat(q.selectors()).containsExactly(new Selector("a_bucket", Set.of("node", "x")),
                new Selector("b", Set.of()), new Selector("c", Set.of()), new Selector("d_total", Set.of("y")),
                new Selector("e", Set.of()));
        assertThat(q.groupingLabels()).containsExactlyInAnyOrder("node", "le", "gc");
    }

    @Test
    void labelValues_isTheSelectorsNames_withTheLabelAskedFor() {
        PromQuery q = PromQuery.ofLabelValues("label_values(tether_sessions_held{node=~\"$node\"}, endpoint)");
        assertThat(q.selectors()).containsExactly(new Selector("tether_sessions_held", Set.of("node")));
        assertThat(q.groupingLabels()).containsExactly("endpoint");
        assertThatThrownBy(() -> PromQuery.ofLabelValues("query_result(up)")).isInstanceOf(IllegalArgumentException.class);
    }
}
