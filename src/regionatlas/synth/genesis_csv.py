"""What the synthetic Regionaldatenbank (GENESIS) CSV tables share: the footer and the
file encoding (Latin-1, CRLF), as in docs/formats/regionalstatistik-*.md."""

from __future__ import annotations

from pathlib import Path

from regionatlas.synth.krpend import CREATED


def write_genesis_csv(path: Path, lines: list[str]) -> Path:
    """Write header and data ``lines`` plus the table footer, Latin-1 with CRLF line ends."""
    footer = [
        "__________",
        "(C)opyright Statistische Ämter des Bundes und der Länder (Tabellenformat) - die "
        "Zahlen sind synthetisch (regionatlas synth)",
        f"Stand: {CREATED.strftime('%d.%m.%Y')}",
        "",
    ]
    path.write_bytes("\r\n".join(lines + footer).encode("latin-1"))
    return path
