"""`python -m handbook`: the same command as the `handbook` console script."""

from handbook.adapters.cli import main

raise SystemExit(main())
