"""USMCA certification of origin (Annex 5-A), signing, the RFC 9162 Merkle log, verification."""
