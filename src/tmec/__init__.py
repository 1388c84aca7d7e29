"""tmec: USMCA (T-MEC, CUSMA) rules of origin, certification, US duties and EU CBAM.

The functions the command line uses, importable from Python.  The public
surface is ``__all__``; a test pins it.
"""

from tmec._version import __version__
from tmec.certify import Issuer, audit_log, read_certificate, verify_certificate
from tmec.core.errors import InputError, InvalidHSCode, NoRuleError, TmecError
from tmec.law import load_parameters
from tmec.origin import Case, Determination, load_case, parse_case, qualify
from tmec.origin.psr import correlate, find_rule
from tmec.store import open_store

__all__ = [
    "Case",
    "Determination",
    "InputError",
    "InvalidHSCode",
    "Issuer",
    "NoRuleError",
    "TmecError",
    "__version__",
    "audit_log",
    "correlate",
    "find_rule",
    "load_case",
    "load_parameters",
    "open_store",
    "parse_case",
    "qualify",
    "read_certificate",
    "verify_certificate",
]
