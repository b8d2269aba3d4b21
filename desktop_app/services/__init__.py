"""Use cases over the database: typed, no Qt; they hand back plain values."""
