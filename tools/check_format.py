#!/usr/bin/env python3
"""Fails when a C++ source of the project is not formatted with the root .clang-format."""
import pathlib
import shutil
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
# clang-format 16 (Debian: clang-format-16) lays out concepts and requires-clauses as a person
# would; 14 does not, so the project is formatted with 16.
clang_format = shutil.which("clang-format-16")
if not clang_format:
    sys.exit("clang-format-16 is not installed (scripts/bootstrap installs it)")
dirs = ["include", "tests", "examples", "benchmarks", "tools"]
files = [p for d in dirs for p in (root / d).rglob("*") if p.suffix in (".hpp", ".cpp")]
bad = [str(p.relative_to(root)) for p in files
       if subprocess.run([clang_format, "--dry-run", "--Werror", str(p)],
                         capture_output=True).returncode != 0]
if bad:
    print("not clang-formatted (run clang-format-16 -i):\n  " + "\n  ".join(bad))
    sys.exit(1)
print(f"{len(files)} files are clang-formatted")
