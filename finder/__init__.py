"""ESOL Finder: a searchable, multilingual catalogue of ESOL/EAL courses."""

__version__ = "0.1.0"
