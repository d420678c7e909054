"""regionatlas: atlas and planning tool for cross-border German regions."""

__version__ = "0.1.0"
