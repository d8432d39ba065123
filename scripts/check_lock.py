"""Fails when a top-level pin in requirements.txt, requirements-dev.txt or requirements-bootstrap.txt
is not what its lock file (requirements.lock, …) holds: edit a pin, then `make lock`."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(path):
    found = {}
    for line in path.read_text().splitlines():
        if line.startswith("-r "):
            found.update(pins(path.parent / line.split()[1]))
        elif match := PIN.match(line.strip()):
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


problems = []
for name in ("requirements", "requirements-dev", "requirements-bootstrap"):
    wanted, locked = pins(ROOT / f"{name}.txt"), pins(ROOT / f"{name}.lock")
    for pkg, version in wanted.items():
        if locked.get(pkg) != version:
            problems.append(f"{name}.lock: {pkg}=={version} wanted, has {locked.get(pkg)}")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
