"""What the CLI prints with ``--json`` and the REST API returns: one rendering, shared.

The CLI and the API call the same functions here, so a document is the same to the
byte whichever way it was asked for.
"""

from tmec.reports.jsondoc import dumps, to_jsonable

__all__ = ["dumps", "to_jsonable"]
