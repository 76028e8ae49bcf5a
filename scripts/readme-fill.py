#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Maintainer tool: fill README placeholders (@NAME@) from files in a folder
# (NAME.md or NAME.txt, lower case). Usage: readme-fill.py TEMPLATE DIR OUT
import os
import re
import sys

tpl, folder, out = sys.argv[1:4]
text = open(tpl).read()


def repl(m):
    name = m.group(1).lower()
    for ext in (".md", ".txt"):
        p = os.path.join(folder, name + ext)
        if os.path.exists(p):
            return open(p).read().rstrip("\n")
    sys.exit(f"readme-fill: no file for @{m.group(1)}@")


open(out, "w").write(re.sub(r"@([A-Z_]+)@", repl, text))
