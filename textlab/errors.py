"""The exceptions textlab raises for its users.

Library code raises these with messages written for a person at a terminal;
the command line turns them into one line on stderr and an exit status
(1 for bad input or data, 2 for bad usage), never a traceback.
"""

from __future__ import annotations


class TextlabError(Exception):
    """Base class: something the user can fix. ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def __reduce__(self):
        # An error raised in a worker process (a pool's, a Dask worker's) travels back
        # pickled; subclasses take other arguments than the message, so it is rebuilt
        # from its state, not by calling its class again.
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls: type[TextlabError], args: tuple, state: dict) -> TextlabError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class DataError(TextlabError):
    """The input is missing, unreadable or not what the command expects (exit 1)."""


class UsageError(TextlabError):
    """The options do not make sense together or are out of range (exit 2)."""

    exit_code = 2


class EmptyInput(DataError):
    """The input has no text at all: one message for every command that counts or learns,
    since in a pipe the cause is usually the step before (a failed fetch or dump)."""

    def __init__(self, what: str = "the input") -> None:
        super().__init__(f"{what} is empty", "no text to count or learn from; did an earlier step of the pipe fail?")


class ParameterError(UsageError):
    """A library parameter out of range, named as the library calls it.

    The library speaks in its own terms (``dim must be at least 1``); the command
    line says the same of its option (``--dim must be at least 1``): it maps
    ``param`` to the flag with ``as_option``.

    >>> e = ParameterError("min_count", "must be at least 1")
    >>> str(e), e.as_option("--min-count")
    ('min_count must be at least 1', '--min-count must be at least 1')
    """

    def __init__(self, param: str, problem: str, hint: str | None = None, exit_code: int = 2) -> None:
        super().__init__(f"{param} {problem}", hint)
        self.param = param
        self.problem = problem
        self.exit_code = exit_code  # 1 where the option is needed because of the data (an encoding)

    def as_option(self, flag: str) -> str:
        text = f"{flag} {self.problem}"
        return f"{text} ({self.hint})" if self.hint else text
