"""Administrative units: provinces and their wards and communes (and the pre-2025 wards that map to
them), the unit picker and the loader."""
