"""audit module: an append-only, hash-chained log of every write and decision, one chain per tenant."""
