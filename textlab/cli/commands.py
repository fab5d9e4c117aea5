"""Import every command module so that its commands register on the app."""

from . import letters  # noqa: F401
