"""USMCA rules of origin (Chapter 4, Annex 4-B, the Uniform Regulations): pure domain code."""
