"""The certification API named by the issue is importable exactly as written."""

import tmec
import tmec.certify


def test_merkle_functions_are_importable_as_written() -> None:
    from tmec.certify.merkle import (  # noqa: F401
        consistency_proof,
        inclusion_proof,
        root,
        verify_consistency,
        verify_inclusion,
    )


def test_public_surface() -> None:
    assert {"Issuer", "verify_certificate", "read_certificate", "audit_log", "open_store"} <= set(
        tmec.__all__
    )
    for name in tmec.certify.__all__:
        assert hasattr(tmec.certify, name), name


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """Every `tmec` command imports tmec.cli; the PDF, database and migration libraries load on use."""
    import subprocess
    import sys

    heavy = "{'sqlalchemy', 'alembic', 'fpdf', 'pypdf'}"
    code = f"import sys, tmec, tmec.cli; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
