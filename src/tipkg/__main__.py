"""``python -m tipkg``."""

from tipkg.cli import main

main()
