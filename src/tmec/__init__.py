"""tmec: USMCA (T-MEC, CUSMA) rules of origin, certification, US duties and EU CBAM.

The functions the command line uses, importable from Python.  The public
surface is ``__all__``; a test pins it.
"""

from tmec._version import __version__
from tmec.core.errors import InputError, InvalidHSCode, NoRuleError, TmecError
from tmec.engine import load_portfolio, price_exposure, qualify_goods, requalify
from tmec.law import load_parameters
from tmec.origin import Case, Determination, load_case, parse_case, qualify
from tmec.origin.psr import correlate, find_rule
from tmec.tariffs import Duty, Entry, price_entry
from tmec.tariffs.impact import ces, smart

__all__ = [
    "Case",
    "Determination",
    "Duty",
    "Entry",
    "InputError",
    "InvalidHSCode",
    "NoRuleError",
    "TmecError",
    "__version__",
    "ces",
    "correlate",
    "find_rule",
    "load_case",
    "load_parameters",
    "load_portfolio",
    "parse_case",
    "price_entry",
    "price_exposure",
    "qualify",
    "qualify_goods",
    "requalify",
    "smart",
]
