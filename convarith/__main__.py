"""`python -m convarith` is the `convarith` command: the same parser, help and exit codes."""

from .console import main

if __name__ == "__main__":
    main()
