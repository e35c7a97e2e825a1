#!/usr/bin/env python3
"""Embeds files into a C source as NUL-terminated byte arrays.

usage: embed.py OUT.c SYMBOL FILE...
Writes `const struct embedded_file SYMBOL[]` ({name, data, size}) ending with a
{NULL, NULL, 0} sentinel, in the order given; names are the files' base names.
"""
import os
import sys


def main():
    out, symbol, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    lines = ['#include "core/embedded.h"', ""]
    for i, path in enumerate(files):
        data = open(path, "rb").read() + b"\0"
        body = ",".join(str(b) for b in data)
        lines.append(f"static const unsigned char {symbol}_{i}[] = {{{body}}};")
    lines.append(f"const struct embedded_file {symbol}[] = {{")
    for i, path in enumerate(files):
        size = os.path.getsize(path)
        lines.append(f'    {{"{os.path.basename(path)}", (const char *){symbol}_{i}, {size}}},')
    lines.append("    {0, 0, 0},")
    lines.append("};")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
