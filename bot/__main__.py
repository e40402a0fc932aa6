"""`python -m bot` is `backlog-bot`."""

from bot.cli import main

main()
