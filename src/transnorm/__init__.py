"""transnorm: Russian and Ukrainian news text to clean English records with canonical names."""

__version__ = "0.1.0"
