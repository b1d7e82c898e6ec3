"""Vietnamese-aware record linkage engine (plain Python, no Django)."""
