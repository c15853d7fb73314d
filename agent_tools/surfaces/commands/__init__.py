"""One module per ``agent-tools`` subcommand."""
