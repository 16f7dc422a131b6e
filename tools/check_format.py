#!/usr/bin/env python3
"""Fails when a C++ source of the project is not formatted with the root .clang-format."""
import pathlib
import shutil
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
clang_format = shutil.which("clang-format")
if not clang_format:
    sys.exit("clang-format is not installed (scripts/bootstrap installs it)")
dirs = ["include", "tests", "examples", "benchmarks", "tools"]
files = [p for d in dirs for p in (root / d).rglob("*") if p.suffix in (".hpp", ".cpp")]
bad = [str(p.relative_to(root)) for p in files
       if subprocess.run([clang_format, "--dry-run", "--Werror", str(p)],
                         capture_output=True).returncode != 0]
if bad:
    print("not clang-formatted (run clang-format -i):\n  " + "\n  ".join(bad))
    sys.exit(1)
print(f"{len(files)} files are clang-formatted")
