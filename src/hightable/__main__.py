"""`python -m hightable`: the same as the `hightable` command."""

from hightable.cli import main

main()
