"""The worlds kept in a store, behind one facade: `WorldService` (see facade.py)."""

from hightable.service.facade import WorldService
from hightable.service.held import Loaded
from hightable.service.writing import Batch

__all__ = ["Batch", "Loaded", "WorldService"]
