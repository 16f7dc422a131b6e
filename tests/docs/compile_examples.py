#!/usr/bin/env python3
"""Compiles every ```cpp block of the given Markdown files, so the docs cannot drift from the code.

A block is compiled as a translation unit of its own (syntax and templates checked, nothing
linked). An HTML comment on the line before the opening fence says how, when it must not be
compiled alone:

    <!-- doc-test: prelude=NAME wrap=function -->

`prelude=NAME` puts tests/docs/preludes/NAME.hpp (includes, declarations the snippet uses)
before the block; `wrap=function` puts the block inside a function body.

Usage: compile_examples.py --include DIR [--include DIR...] FILE.md... -- <compiler command...>
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
FENCE = re.compile(r"^```(\w*)\s*$")
HINT = re.compile(r"<!--\s*doc-test:(.*?)-->")


def blocks(markdown: pathlib.Path):
    """Yields (line number, language, hint options, code) for each fenced block."""
    lines = markdown.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(1):
            i += 1
            continue
        start, lang = i, m.group(1)
        hint = {}
        j = start - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and (h := HINT.search(lines[j])):
            for item in h.group(1).split():
                key, _, value = item.partition("=")
                hint[key] = value
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        yield start + 1, lang, hint, "\n".join(body) + "\n"
        i += 1


def source_of(hint: dict, code: str) -> str:
    out = []
    if "prelude" in hint:
        out.append((HERE / "preludes" / (hint["prelude"] + ".hpp")).read_text())
    if hint.get("wrap") == "function":
        out.append("[[maybe_unused]] static void doc_snippet() {\n" + code + "}\n")
    else:
        out.append(code)
    return "\n".join(out)


def main() -> int:
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser()
    parser.add_argument("--include", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv[:split])
    compiler = argv[split + 1:]
    failures = 0
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for md in args.files:
            for line, lang, hint, code in blocks(pathlib.Path(md)):
                if lang != "cpp":
                    continue
                count += 1
                tu = pathlib.Path(tmp) / f"snippet_{count}.cpp"
                tu.write_text(source_of(hint, code))
                cmd = compiler + ["-std=c++23", "-fsyntax-only", "-Wall", "-Wextra"]
                cmd += [f"-I{d}" for d in args.include] + [str(tu)]
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode != 0:
                    failures += 1
                    print(f"{md}:{line}: the cpp block does not compile:\n{r.stderr[:4000]}")
    print(f"{count} cpp blocks compiled, {failures} failed")
    return 1 if failures or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
