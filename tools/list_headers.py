#!/usr/bin/env python3
"""Prints every public header under include/ (relative paths), one per line, for the build."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent / "include"
for p in sorted(root.rglob("*.hpp")):
    print(p.relative_to(root).as_posix())
