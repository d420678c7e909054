"""``python -m regionatlas`` runs the command line, like the ``regionatlas`` script."""

from regionatlas.cli.main import main

if __name__ == "__main__":
    main()
