#!/usr/bin/python3
"""Put the measured figures into README.md's marked section, from the tables
`make size` (out/size.md) and `make bench` (out/bench/summary.md) write.

    build/measured.py README SIZE_MD BENCH_MD

The section is <!-- measured:begin --> ... <!-- measured:end -->; inside it,
<!-- measured:size --> and <!-- measured:bench --> each open the part made
from one file, up to the next marker. A part whose file does not exist is
left as it is (a warning says so): `make readme` after `make size` alone
keeps the last bench figures. Exit 0, 1 (no section, or no file at all), 100.
"""
import os
import re
import sys

PARTS = ("size", "bench")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: build/measured.py README SIZE_MD BENCH_MD\n")
        return 100
    readme, sources = argv[0], dict(zip(PARTS, argv[1:]))
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"<!-- measured:begin -->\n(.*?)<!-- measured:end -->", text, re.S)
    if not m:
        sys.stderr.write("measured: error: %s has no <!-- measured:begin --> ... <!-- measured:end -->\n" % readme)
        return 1
    body = m.group(1)
    # head (text before the first part marker), then {part: its text}
    pieces = re.split(r"<!-- measured:(%s) -->\n" % "|".join(PARTS), body)
    head, parts = pieces[0], dict(zip(pieces[1::2], pieces[2::2]))
    done = 0
    for part in PARTS:
        path = sources[part]
        if os.path.exists(path):
            parts[part] = open(path, encoding="utf-8").read().strip("\n") + "\n\n"
            done += 1
        else:
            sys.stderr.write("measured: warning: no %s (make %s): its part of the section is kept\n"
                             % (path, part))
            parts.setdefault(part, "")
    if not done:
        sys.stderr.write("measured: error: neither %s nor %s exists\n" % tuple(sources.values()))
        return 1
    body = head + "".join("<!-- measured:%s -->\n%s" % (p, parts[p]) for p in PARTS)
    new = text[:m.start(1)] + body + text[m.end(1):]
    if new != text:
        with open(readme + ".tmp", "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(readme + ".tmp", readme)
        print("measured: updated %s" % readme)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
