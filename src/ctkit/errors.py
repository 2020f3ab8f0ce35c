"""One exception hierarchy for ctkit, mapped to exit codes and HTTP statuses in one place.

Messages must help the user and must never echo personal data: name the record, row, column or field,
never its personal value.
"""

from __future__ import annotations


class CtkitError(Exception):
    """Root of every error ctkit raises on purpose."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"


class ConfigurationError(CtkitError):
    """Settings are missing, invalid or insecure."""

    exit_code = 3
    http_status = 500


class ValidationError(CtkitError):
    """Input failed validation; the message names where (file, line, column, field)."""

    exit_code = 2
    http_status = 422


class ImportFormatError(ValidationError):
    """An import file is malformed; nothing was written."""


class NotFoundError(CtkitError):
    exit_code = 4
    http_status = 404


class PermissionDenied(CtkitError):
    exit_code = 5
    http_status = 403


class AuthenticationError(CtkitError):
    exit_code = 5
    http_status = 401


class ConflictError(CtkitError):
    """A concurrent change or an illegal state transition."""

    exit_code = 6
    http_status = 409


class KeyMaterialError(CtkitError):
    """Encryption keys are missing, wrong or cannot decrypt a value."""

    exit_code = 7
    http_status = 500


class EstimationError(CtkitError):
    """Data cannot support an estimate (model does not exist, degenerate lists...)."""

    exit_code = 8
    http_status = 422


class DisclosureError(CtkitError):
    """A release would breach disclosure control or the privacy budget."""

    exit_code = 9
    http_status = 409


class BudgetExceeded(DisclosureError):
    """A differentially private release would exceed the data set's agreed privacy budget; nothing was released."""


class DependencyMissing(CtkitError):
    """An optional heavy dependency is not installed."""

    exit_code = 10
    http_status = 500

    def __init__(self, package: str, purpose: str) -> None:
        super().__init__(f"{purpose} needs the Python package '{package}'", hint=f"pip install {package}")


def exit_code_for(exc: BaseException) -> int:
    return exc.exit_code if isinstance(exc, CtkitError) else 1


def http_status_for(exc: BaseException) -> int:
    return exc.http_status if isinstance(exc, CtkitError) else 500
