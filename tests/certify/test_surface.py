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
