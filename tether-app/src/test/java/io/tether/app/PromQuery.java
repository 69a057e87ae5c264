package io.tether.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a PromQL expression reads, found without a PromQL parser (there is none for Java here): the
 * metric names of its selectors with the labels their matchers name, and the labels it groups or
 * matches on ({@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left/right}).
 * Enough to check the names against a scrape; promtool checks the syntax (MonitoringConfigTest).
 *
 * @param selectors      every {@code metric{matchers}} in the expression, in order
 * @param groupingLabels the labels named in its grouping and matching clauses
 */
record PromQuery(List<Selector> selectors, Set<String> groupingLabels) {
    /** A metric name and the label names its matchers use. */
    record Selector(String metric, Set<String> labels) {
    }

    // Strings first: a matcher's value may hold anything, '}' and ',' included.
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    // Range and subquery brackets: durations and Grafana's $__rate_interval are not names.
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    // A name not glued to a digit, '.', ':' or '$' (so not the 'h' of '1h' or the 'e' of '1e3').
    private static final Pattern SELECTOR =
            Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][\\w:]*)\\s*(\\{[^}]*})?\\s*(\\()?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_]\\w*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern LABEL_VALUES =
            Pattern.compile("label_values\\(\\s*(.+?)\\s*,\\s*([a-zA-Z_]\\w*)\\s*\\)");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan",
            "by", "without", "on", "ignoring", "group_left", "group_right");

    static PromQuery of(String expr) {
        String s = RANGE.matcher(STRING.matcher(expr).replaceAll("\"\"")).replaceAll("");
        Set<String> grouping = new TreeSet<>();
        Matcher g = GROUPING.matcher(s);
        StringBuilder rest = new StringBuilder();
        while (g.find()) {
            for (String label : g.group(1).split(",")) {
                if (!label.isBlank()) {
                    grouping.add(label.strip());
                }
            }
            g.appendReplacement(rest, " ");
        }
        g.appendTail(rest);
        List<Selector> selectors = new ArrayList<>();
        Matcher m = SELECTOR.matcher(rest);
        while (m.find()) {
            boolean function = m.group(3) != null;
            if (function || KEYWORDS.contains(m.group(1))) {
                continue;
            }
            Set<String> labels = new TreeSet<>();
            if (m.group(2) != null) {
                Matcher l = MATCHER.matcher(m.group(2));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
            selectors.add(new Selector(m.group(1), labels));
        }
        return new PromQuery(List.copyOf(selectors), Set.copyOf(grouping));
    }

    /**
     * A Grafana variable query {@code label_values(selector, label)}: the selector's names, and the
     * label asked for as a grouping label (it has to be on the metric for the variable to list anything).
     */
    static PromQuery ofLabelValues(String query) {
        Matcher m = LABEL_VALUES.matcher(query.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not label_values(selector, label): " + query);
        }
        PromQuery inner = of(m.group(1));
        Set<String> grouping = new TreeSet<>(inner.groupingLabels());
        grouping.add(m.group(2));
        return new PromQuery(inner.selectors(), Set.copyOf(grouping));
    }
}
