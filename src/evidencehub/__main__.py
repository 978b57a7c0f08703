"""`python -m evidencehub` is the same as the `evidencehub` command."""

from evidencehub.cli import main

if __name__ == "__main__":
    main()
