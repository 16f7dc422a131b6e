#!/usr/bin/env python3
"""Compiles a file that must not compile, and checks the compiler says why.

The file carries `// expected-error: <regex>`; the test passes when compilation fails and the
diagnostics match the regex. Usage: run.py --source F --include DIR -- <compiler command...>"""
import argparse
import re
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--source", required=True)
parser.add_argument("--include", required=True)
parser.add_argument("compiler", nargs=argparse.REMAINDER)
args = parser.parse_args()
compiler = [c for c in args.compiler if c != "--"]

text = open(args.source).read()
m = re.search(r"//\s*expected-error:\s*(.+)", text)
if not m:
    sys.exit(f"{args.source}: no `// expected-error:` line")
pattern = m.group(1).strip()

cmd = compiler + ["-std=c++23", "-fsyntax-only", "-I", args.include, args.source]
proc = subprocess.run(cmd, capture_output=True, text=True)
if proc.returncode == 0:
    sys.exit(f"{args.source}: compiled, but it must not")
if not re.search(pattern, proc.stderr):
    print(proc.stderr[-4000:])
    sys.exit(f"{args.source}: failed to compile, but without /{pattern}/")
print(f"{args.source}: fails to compile with /{pattern}/")
