#!/usr/bin/env python3
"""Fails when an include crosses the layers of ../shared/DESIGN.md the wrong way.

Layers, lowest first: core, plugin, transport, ray, executors, pipeline. A header may include
headers of its own layer and of the layers below it; `testing/` may include any layer, and no
library header may include `testing/`. Internals live in each layer's own `detail/`; there is
no top-level include/synapse/detail/. Programs (tools/) include no library `detail/` header.
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2]
include = root / "include" / "synapse"
layers = ["core", "plugin", "transport", "ray", "executors", "pipeline"]
rank = {name: i for i, name in enumerate(layers)}
pattern = re.compile(r'^\s*#\s*include\s*[<"]synapse/([^/">]+)/?([^">]*)[">]', re.M)

problems = []
if (include / "detail").exists():
    problems.append("include/synapse/detail/ exists: each layer keeps its internals in its own detail/")
for header in sorted(include.rglob("*.hpp")):
    rel = header.relative_to(include)
    layer = rel.parts[0] if len(rel.parts) > 1 else None
    for m in pattern.finditer(header.read_text()):
        target = m.group(1)
        if target == "testing" and layer != "testing" and str(rel) != "testing.hpp":
            problems.append(f"{rel}: includes the test doubles (synapse/testing/)")
        if layer in rank and target in rank and rank[target] > rank[layer]:
            problems.append(f"{rel}: the {layer} layer includes synapse/{target}/{m.group(2)}")
for source in sorted((root / "tools").rglob("*.[ch]pp")):
    for m in pattern.finditer(source.read_text()):
        if "detail/" in m.group(2) or m.group(1) == "detail":
            problems.append(f"{source.relative_to(root)}: a program includes a library detail "
                            f"header (synapse/{m.group(1)}/{m.group(2)})")
for p in problems:
    print(p)
print(f"{len(problems)} layering problems")
sys.exit(1 if problems else 0)
