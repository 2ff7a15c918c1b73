"""Errors meant for the user. The CLI prints `ScoringError` on one line and exits 1; the API maps
`ClientNotFound` to 404 and `InvalidField` to 422."""


class ScoringError(Exception):
    """An error meant for the user: printed as one line, exit status non-zero."""


class ClientNotFound(KeyError):
    """No client with this id in the warehouse (HTTP 404)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "client not found"


class InvalidField(ValueError):
    """A request names an unknown field or gives it an invalid value (HTTP 422)."""
