"""The worlds kept in a store, behind one facade: `WorldService` (see facade.py)."""

from hightable.service.facade import WorldService
from hightable.service.held import Loaded
from hightable.service.writing import Batch
from hightable.store.base import Closeable  # what `WorldService.watch_appends` returns

__all__ = ["Batch", "Closeable", "Loaded", "WorldService"]
