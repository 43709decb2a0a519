"""Exercise catalogue: exercises, fault codes and cited evidence, shipped as data and validated on load."""

from hipcoach.catalog.loader import Catalog, load_catalog

__all__ = ["Catalog", "load_catalog"]
