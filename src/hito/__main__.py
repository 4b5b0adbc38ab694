"""`python -m hito`: the same command line as the `hito` script."""

from hito.cli.main import main

if __name__ == "__main__":
    main()
