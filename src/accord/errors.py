"""Domain errors. The edges (CLI, HTTP) map them to exit codes and status codes in one place."""

from __future__ import annotations


class AccordError(Exception):
    """Base of every error Accord reports to a user."""

    http_status = 400


class NotFoundError(AccordError):
    http_status = 404


class InvalidInputError(AccordError):
    http_status = 422


class ListParseError(InvalidInputError):
    """A list file could not be parsed; names the file and, where known, the record."""

    def __init__(self, path: str, message: str, record: str | None = None) -> None:
        self.path = path
        self.record = record
        self.detail = message
        where = f"{path}, record {record}" if record else path
        super().__init__(f"{where}: {message}")


class FetchError(AccordError):
    """A list download failed."""

    http_status = 502
