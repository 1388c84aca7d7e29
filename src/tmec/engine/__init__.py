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

from tmec.engine.bom_tables import InputErrors, load_bom
from tmec.engine.exposure import Exposure, load_scenario, price_exposure, trade_flows
from tmec.engine.generate import PortfolioSize, generate_entries, generate_portfolio
from tmec.engine.output import write_table
from tmec.engine.portfolio import GoodResult, Portfolio, PortfolioResult, load_portfolio, qualify_goods
from tmec.engine.rollup import RollUp, roll_up
from tmec.engine.rules_file import RuleBook
from tmec.engine.session import ENGINES, Engine, connect, spark_available, tmec_home
from tmec.engine.whereused import Change, prepare, requalify, where_used

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
