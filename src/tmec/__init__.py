"""tmec: USMCA (T-MEC, CUSMA) rules of origin, certification, US duties and EU CBAM.

The functions the command line uses, importable from Python.  The public
surface is ``__all__``; a test pins it.
"""

from typing import TYPE_CHECKING

from tmec._lazy import lazy_attributes
from tmec._version import __version__
from tmec.core.errors import InputError, InvalidHSCode, NoRuleError, TmecError

if TYPE_CHECKING:
    from tmec.certify import Issuer, audit_log, read_certificate, verify_certificate
    from tmec.engine import load_portfolio, price_exposure, qualify_goods, requalify, trade_flows
    from tmec.law import load_parameters
    from tmec.origin import Case, Determination, load_case, parse_case, qualify
    from tmec.origin.automotive import VehicleAssessor, assess_vehicle, average, parse_automotive
    from tmec.origin.psr import correlate, find_rule
    from tmec.store import open_store
    from tmec.tariffs import Duty, Entry, price_entry
    from tmec.tariffs.impact import ces, flows_impact, smart

__all__ = [
    "Case",
    "Determination",
    "Duty",
    "Entry",
    "InputError",
    "InvalidHSCode",
    "Issuer",
    "NoRuleError",
    "TmecError",
    "VehicleAssessor",
    "__version__",
    "assess_vehicle",
    "audit_log",
    "average",
    "ces",
    "correlate",
    "find_rule",
    "flows_impact",
    "load_case",
    "load_parameters",
    "load_portfolio",
    "open_store",
    "parse_automotive",
    "parse_case",
    "price_entry",
    "price_exposure",
    "qualify",
    "qualify_goods",
    "read_certificate",
    "requalify",
    "smart",
    "trade_flows",
    "verify_certificate",
]

# Everything but the errors loads on first use: `tmec --version` and a quick command should not
# pay for the law, the rules and the automotive tables they do not use, nor for certification,
# the store and the bulk engine, whose libraries (SQLAlchemy, Alembic, fpdf2, DuckDB, SQLFrame)
# are slow to import.
_LAZY = {
    "load_parameters": "tmec.law",
    **dict.fromkeys(["Case", "Determination", "load_case", "parse_case", "qualify"], "tmec.origin"),
    **dict.fromkeys(
        ["VehicleAssessor", "assess_vehicle", "average", "parse_automotive"], "tmec.origin.automotive"
    ),
    "correlate": "tmec.origin.psr",
    "find_rule": "tmec.origin.psr",
    **dict.fromkeys(["Duty", "Entry", "price_entry"], "tmec.tariffs"),
    **dict.fromkeys(["ces", "flows_impact", "smart"], "tmec.tariffs.impact"),
    "Issuer": "tmec.certify",
    "audit_log": "tmec.certify",
    "read_certificate": "tmec.certify",
    "verify_certificate": "tmec.certify",
    "open_store": "tmec.store",
    "load_portfolio": "tmec.engine",
    "price_exposure": "tmec.engine",
    "qualify_goods": "tmec.engine",
    "requalify": "tmec.engine",
    "trade_flows": "tmec.engine",
}

__getattr__ = lazy_attributes(__name__, _LAZY, globals())
