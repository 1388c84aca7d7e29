"""EU CBAM embedded emissions and certificates owed: pure.

``tables`` reads the compiled law (IR 2025/2621 default values, IR 2025/2620 benchmarks,
the Annex I goods list), ``routes`` resolves production-route markers, ``actual`` parses an
installation's data, ``certificates`` computes one good's obligation (spec carbon.md §5.1),
``declaration`` sums an importer's year, ``compare`` a per-tonne path across origins.
"""
