"""One module per `sorafilm` subcommand; each exposes register(subparsers)."""
