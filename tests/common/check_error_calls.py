#!/usr/bin/env python3
"""Every `x.error()` in the tests comes after a check that `x` failed.

Calling .error() on an expected that holds a value is undefined behaviour: a test that does so
after a call unexpectedly succeeded reads garbage instead of failing cleanly. For each
`name.error()` this looks, in the 40 lines before it and on its own line, for a guard on
`name`: REQUIRE_FALSE(name...), REQUIRE(!name), CHECK_FALSE(name), `if (!name`, `if (name) return`,
`name ? ... :`, or a `check_*(name, ...)` helper (which requires the failure itself). Prints each
unguarded call and exits 1 if there is one.
"""

import pathlib
import re
import sys

TESTS = pathlib.Path(__file__).resolve().parent.parent
CALL = re.compile(r'(?<![\w.>])\*?([A-Za-z_]\w*(?:(?:\.|->)\w+)*)\.error\(\)')


def guarded(name: str, line: str, before: str) -> bool:
    n = re.escape(name)
    patterns = [rf'REQUIRE_FALSE\(\s*\*?{n}\b', rf'REQUIRE\(\s*!\s*\*?{n}\b', rf'CHECK_FALSE\(\s*\*?{n}\b',
                rf'if \(\s*!\s*\*?{n}\b', rf'if \(\s*{n}\s*\)\s*return', rf'\b{n}\s*\?',
                rf'\bcheck_\w*\(\s*{n}\b', rf'!\s*{n}\b']
    return any(re.search(p, line) or re.search(p, before) for p in patterns)


def main() -> int:
    bad = []
    for path in sorted(TESTS.rglob('*.cpp')):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            for m in CALL.finditer(line):
                if not guarded(m.group(1), line, '\n'.join(lines[max(0, i - 40):i])):
                    bad.append(f'{path.relative_to(TESTS.parent)}:{i + 1}: {line.strip()}')
    for b in bad:
        print(f'.error() without a failure check before it: {b}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
