#!/usr/bin/env python3
"""Fails when the committed single_include/synapse/synapse.hpp differs from a fresh one."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import amalgamate  # noqa: E402

committed = pathlib.Path(amalgamate.ROOT / "single_include" / "synapse" / "synapse.hpp")
fresh = amalgamate.generate()
if not committed.exists() or committed.read_text() != fresh:
    print("single_include/synapse/synapse.hpp is stale: run `python3 tools/amalgamate.py` and commit it")
    sys.exit(1)
print("single_include/synapse/synapse.hpp is up to date")
