"""Supplier statements: the signed facts that settle a material's origin, and their validity — pure.

>>> from tmec.statements import load_statements, qualify_with_statements   # doctest: +SKIP

Records (:mod:`.model`), validation of YAML/CSV/XLSX rows in English or Spanish
(:mod:`.parse`, :mod:`.files`), their use by a determination (:mod:`.apply`,
:mod:`.determine`) and what to ask of whom (:mod:`.requests`).  Storage and the
transparency log are in :mod:`tmec.store.statements`.
"""

from tmec.statements.apply import Applied, Use, apply_to_case, pinned_off
from tmec.statements.determine import qualify_with_statements
from tmec.statements.files import load_statements, read_rows
from tmec.statements.model import KINDS, Statement, supplier_key
from tmec.statements.parse import BadRows, parse_rows, parse_statement

__all__ = [
    "KINDS",
    "Applied",
    "BadRows",
    "Statement",
    "Use",
    "apply_to_case",
    "load_statements",
    "parse_rows",
    "parse_statement",
    "pinned_off",
    "qualify_with_statements",
    "read_rows",
    "supplier_key",
]
