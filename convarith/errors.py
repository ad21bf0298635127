"""The two kinds of failure the tools report: a bad request and a failing tool."""


class ConvArithError(Exception):
    """Base class for errors shown to the user as one paragraph, never a traceback."""

    exit_code = 1


class ParameterError(ConvArithError, ValueError):
    """The user asked for something impossible or invalid."""

    exit_code = 2


class ToolError(ConvArithError, RuntimeError):
    """An external program (pdflatex, pdftoppm) is missing or failed."""

    exit_code = 3


class DamagedInput(ToolError):
    """An input file (a frame in pdf/) exists but cannot be used as it is."""

    def __init__(self, path, reason: str):
        self.path = path
        super().__init__(f"The frame '{path}' is damaged: {reason}.")
