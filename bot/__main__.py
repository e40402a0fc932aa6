"""`python -m bot` is `backlog-bot`."""

from bot.cli.main import main

main(prog_name="backlog-bot")
