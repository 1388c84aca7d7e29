"""Pure building blocks shared by every domain package: money, dates, HS codes,
dated legal parameters, errors and the explanation trace.  No I/O here."""
