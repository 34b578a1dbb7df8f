"""The ``seawall`` command's entry point, also ``python -m seawall``.

The installed script imports only this module, and the CLI when it runs: a process that
multiprocessing spawns from the command (bulk scoring's writer) imports the script again, and
with the whole CLI at the top that took it some 3 seconds of start-up.
"""


def main() -> None:
    """Run the ``seawall`` command."""
    from seawall.cli import app  # here, not at the top: see the module's docstring

    app()


if __name__ == "__main__":
    main()
