"""EU CBAM embedded emissions and certificates owed: pure."""
