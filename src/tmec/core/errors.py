"""The error hierarchy.

Every error caused by what a user gave us is an :class:`InputError`: it names
the source (file), the place in it (line or field), what was expected and what
was found.  The CLI turns an ``InputError`` into one line on stderr and exit
status 2, with no traceback.
"""

from __future__ import annotations


class TmecError(Exception):
    """Base class of every error tmec raises on purpose."""


class InputError(TmecError):
    """Bad input: a malformed file, a missing or invalid field, an unknown code.

    ``source`` is the file (or ``"<stdin>"``, ``"--value"``...), ``field`` a
    dotted path such as ``materials[2].value`` and ``line`` a 1-based line
    number when one is known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.field = field
        self.line = line
        super().__init__(str(self))

    def located(
        self, *, source: str | None = None, field_prefix: str | None = None, line: int | None = None
    ) -> InputError:
        """Return a copy with a location filled in where this one lacks it."""
        field = self.field
        if field_prefix:
            field = f"{field_prefix}.{field}" if field else field_prefix
        err = type(self).__new__(type(self))
        InputError.__init__(
            err,
            self.message,
            source=self.source or source,
            field=field,
            line=self.line if self.line is not None else line,
        )
        return err

    def __str__(self) -> str:
        where = ""
        if self.source:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        if self.field:
            where += f"{self.field}: "
        return where + self.message


class InvalidHSCode(InputError):
    """An HS/HTS code that is malformed or not in the nomenclature."""


class NoRuleError(InputError):
    """No bundled product-specific rule for a good; the case must give ``rule:``."""


class UnknownParameter(TmecError):
    """A legal parameter name that the law data does not define."""


class NotInForce(InputError):
    """A date before the first value of a legal parameter or table."""
