"""ESOL Finder: a searchable, multilingual catalogue of ESOL/EAL courses."""

__version__ = "0.1.0"

from pathlib import Path

# The checkout (or installed tree) beside the package: templates/, static/, locales/, data/, babel.cfg.
PROJECT_DIR = Path(__file__).resolve().parent.parent
