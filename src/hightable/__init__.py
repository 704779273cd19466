"""hightable: the rules-as-code engine and tamper-evident ledger of the High Table."""

__version__ = "0.1.0"
