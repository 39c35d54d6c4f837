"""The command line: ``accord …`` (Typer + rich). Each domain has its own sub-app module."""
