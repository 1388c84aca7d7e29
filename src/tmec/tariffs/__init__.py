"""US duties on a date (HTS, Section 232, IEEPA, Section 122, stacking) and trade-impact models: pure."""
