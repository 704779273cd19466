"""hightable: the rules-as-code engine and tamper-evident ledger of the High Table."""
