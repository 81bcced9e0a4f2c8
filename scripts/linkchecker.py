"""Run LinkChecker as it would run for a normal user, even when invoked as root.

    python scripts/linkchecker.py [linkchecker arguments ...]

LinkChecker 10.6 switches from root to the `nobody` user before it loads its plugins; where
Python lives under /root (as on CI machines and containers), `nobody` cannot read the plugin
folder and LinkChecker silently runs without AnchorCheck or MarkdownCheck. This wrapper
skips that one step and is otherwise LinkChecker's own command line. As a normal user it
changes nothing. Used by tests/adapters/test_site_links.py and scripts/bench_links.py.
"""

import os
import sys

from linkcheck.command import linkchecker as cli

if __name__ == "__main__":
    if os.geteuid() == 0:
        cli.drop_privileges = lambda: None
    sys.argv[0] = "linkchecker"
    sys.exit(cli.linkchecker())
