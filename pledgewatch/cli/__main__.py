"""``python -m pledgewatch.cli``: the same as the ``pledgewatch`` command."""

from pledgewatch.cli import main

main()
