#!/usr/bin/env python3
"""Checks that what an action author includes pulls in no YAML, TOML, HTTP or CLI header.

Usage: check_light_headers.py --include DIR -- <compiler command...>"""
import argparse
import re
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--include", required=True)
parser.add_argument("compiler", nargs=argparse.REMAINDER)
args = parser.parse_args()
compiler = [c for c in args.compiler if c != "--"]

author_headers = ["synapse/core/reflect.hpp", "synapse/plugin/action.hpp",
                  "synapse/plugin/context.hpp", "synapse/executors/local_executor.hpp",
                  "synapse/plugin/plugin_main.hpp"]
source = "".join(f"#include <{h}>\n" for h in author_headers)
proc = subprocess.run(compiler + ["-std=c++23", "-fsyntax-only", "-H", "-I", args.include,
                                  "-x", "c++", "-"], input=source, capture_output=True, text=True)
if proc.returncode != 0:
    sys.exit(proc.stderr[-3000:])
included = [line.lstrip(". ").strip() for line in proc.stderr.splitlines() if line.startswith(".")]
heavy = [h for h in included if re.search(r"yaml-cpp|toml\+\+|httplib|/CLI/|boost/beast|sqlite3", h)]
if heavy:
    sys.exit("action headers pull in heavy dependencies:\n  " + "\n  ".join(sorted(set(heavy))))
print(f"{len(author_headers)} action-author headers include {len(set(included))} files, none of "
      "them YAML, TOML, HTTP or CLI")
