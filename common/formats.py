"""Numbers as people read them in the Dutch pages (decimal comma)."""


def format_km(km: float) -> str:
    """``3.24`` -> ``"3,2 km"`` (Dutch decimal comma)."""
    return f"{km:.1f}".replace(".", ",") + " km"
