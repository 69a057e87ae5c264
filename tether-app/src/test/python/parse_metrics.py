"""Parses a Prometheus text-format scrape (the file named by argv[1]) with prometheus_client's own
parser and prints one JSON object per sample: the metrics test asserts on these, not on grep."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        print(json.dumps({"family": family.name, "type": family.type, "name": sample.name,
                          "labels": sample.labels,
                          # NaN and infinities (a gauge not yet sampled, +Inf buckets) are not JSON
                          # numbers: they go as strings ("nan", "inf").
                          "value": sample.value if math.isfinite(sample.value) else str(sample.value)}))
print("END")
