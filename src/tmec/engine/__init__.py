"""Bulk work over portfolios: the only package that imports DuckDB or Spark.

One pipeline in the PySpark DataFrame API runs on DuckDB (through SQLFrame) and
on Apache Spark (PySpark):

* :func:`load_portfolio` / :func:`qualify_goods`: every finished good of a
  BOM_DIR qualified on a date, identical to ``tmec qualify`` good by good;
* :func:`requalify`: only the goods that use changed materials (where-used);
  :func:`prepare` readies a portfolio for changes ahead of the first one;
* :func:`price_exposure`: a year of entry lines priced and totalled, identical
  to ``price_entry`` line by line (``load_scenario`` for what-ifs);
* :func:`generate_portfolio` / :func:`generate_entries`: seeded synthetic data.
"""

# Imported on first use (PEP 562): a command takes only the modules it needs (the exposure, the
# generators, the where-used index and the writers cost a command that does not use them about
# 0.1-0.2 s of its start), and ``from tmec.engine import X`` works as before.
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tmec.engine.bom_tables import InputErrors, load_bom
    from tmec.engine.exposure import Exposure, load_scenario, price_exposure, trade_flows
    from tmec.engine.generate import PortfolioSize, generate_entries, generate_portfolio
    from tmec.engine.output import write_table
    from tmec.engine.portfolio import GoodResult, Portfolio, PortfolioResult, load_portfolio, qualify_goods
    from tmec.engine.rollup import RollUp, roll_up
    from tmec.engine.rules_file import RuleBook
    from tmec.engine.session import ENGINES, Engine, connect, spark_available, tmec_home
    from tmec.engine.whereused import Change, prepare, requalify, where_used

_WHERE = {
    "InputErrors": "tmec.engine.bom_tables",
    "load_bom": "tmec.engine.bom_tables",
    "Exposure": "tmec.engine.exposure",
    "load_scenario": "tmec.engine.exposure",
    "price_exposure": "tmec.engine.exposure",
    "trade_flows": "tmec.engine.exposure",
    "PortfolioSize": "tmec.engine.generate",
    "generate_entries": "tmec.engine.generate",
    "generate_portfolio": "tmec.engine.generate",
    "write_table": "tmec.engine.output",
    "GoodResult": "tmec.engine.portfolio",
    "Portfolio": "tmec.engine.portfolio",
    "PortfolioResult": "tmec.engine.portfolio",
    "load_portfolio": "tmec.engine.portfolio",
    "qualify_goods": "tmec.engine.portfolio",
    "RollUp": "tmec.engine.rollup",
    "roll_up": "tmec.engine.rollup",
    "RuleBook": "tmec.engine.rules_file",
    "ENGINES": "tmec.engine.session",
    "Engine": "tmec.engine.session",
    "connect": "tmec.engine.session",
    "spark_available": "tmec.engine.session",
    "tmec_home": "tmec.engine.session",
    "Change": "tmec.engine.whereused",
    "prepare": "tmec.engine.whereused",
    "requalify": "tmec.engine.whereused",
    "where_used": "tmec.engine.whereused",
}

__all__ = [
    "ENGINES",
    "Change",
    "Engine",
    "Exposure",
    "GoodResult",
    "InputErrors",
    "Portfolio",
    "PortfolioResult",
    "PortfolioSize",
    "RollUp",
    "RuleBook",
    "connect",
    "generate_entries",
    "generate_portfolio",
    "load_bom",
    "load_portfolio",
    "load_scenario",
    "prepare",
    "price_exposure",
    "qualify_goods",
    "requalify",
    "roll_up",
    "spark_available",
    "tmec_home",
    "trade_flows",
    "where_used",
    "write_table",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
