"""Prints the YAML file named by argv[1] as one JSON document, read with Debian's python3-yaml
(safe_load): the monitoring test reads Prometheus rule and promtool test files through it."""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    print(json.dumps(yaml.safe_load(f)))
