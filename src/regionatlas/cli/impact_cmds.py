"""Goals, monitoring and Argumentationshilfen on the command line (issue #14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from regionatlas.cli.common import (
    DatabaseUrlOption,
    DbOption,
    RegionFileOption,
    opened_store,
    out,
    user_errors,
)
from regionatlas.errors import ParameterError

LangOption = Annotated[str, typer.Option("--lang", help="de or en")]


def _region(region: Path | None, db, database_url):
    from regionatlas.region import load_region
    from regionatlas.settings import load_settings

    return load_region(region or load_settings(db=db, database_url=database_url).region_file)


def _render(brief: dict, lang: str, attributions: list[str]) -> str:
    from regionatlas.web.brief_pdf import brief_pdf_html

    return brief_pdf_html(brief, lang, attributions)


_CONTEXT: dict[str, Any] = {}  # set before forking: workers inherit it, nothing is pickled


def _one(args: tuple) -> tuple[str, int]:
    """Worker: one core municipality's brief as PDF (the context was computed before fork)."""
    ags, lang, folder, attributions = args
    ctx = _CONTEXT["ctx"]
    from regionatlas.pdf import write_pdf
    from regionatlas.workflows.briefs import unit_brief

    path = Path(folder) / f"brief-{ags}-{lang}.pdf"
    return str(path), write_pdf(_render(unit_brief(ctx, ags), lang, attributions), path)


def brief(
    ags: Annotated[str | None, typer.Argument(help="AGS of a municipality or district")] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="PDF file (folder with --all-core)")
    ] = Path("brief.pdf"),
    corridor: Annotated[
        tuple[str, str] | None, typer.Option("--corridor", help="two AGS: a corridor")
    ] = None,
    lma: Annotated[int | None, typer.Option("--lma", help="labour-market area id")] = None,
    all_core: Annotated[
        bool, typer.Option("--all-core", help="every core municipality into -o DIR/")
    ] = False,
    lang: LangOption = "de",
    as_json: Annotated[bool, typer.Option("--json", help="write the brief's data as JSON")] = False,
    scenarios: Annotated[
        bool, typer.Option("--scenarios/--no-scenarios", help="include the example scenarios")
    ] = True,
    workers: Annotated[int, typer.Option("--workers", help="processes for --all-core")] = 2,
    region: RegionFileOption = None,
    db: DbOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Argumentationshilfe als PDF – argumentation brief for talks with the Landesplanung."""
    from regionatlas.pdf import write_pdf
    from regionatlas.workflows import briefs

    if lang not in ("de", "en"):
        raise ParameterError(f"unknown language {lang!r}", value=lang, expected="de | en")
    chosen = sum(x is not None and x is not False for x in (ags, corridor, lma)) + all_core
    if chosen != 1:
        raise ParameterError(
            "give exactly one of: AGS, --corridor A B, --lma ID, --all-core",
            expected="regionatlas brief 06633028 -o brief.pdf",
        )
    reg = _region(region, db, database_url)
    with opened_store(db, database_url) as store:
        ctx = briefs.BriefContext(store, reg, with_scenarios=scenarios)
        attributions = list(dict.fromkeys(b.attribution for b in store.batches()))
        if all_core:
            ctx.warm()
            keys = briefs.core_municipalities(ctx)
            output.mkdir(parents=True, exist_ok=True)
            _CONTEXT["ctx"] = ctx
            jobs = [(k, lang, output, attributions) for k in keys]
            if workers > 1 and len(keys) > 1:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                mp = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(max_workers=workers, mp_context=mp) as pool:
                    done = list(pool.map(_one, jobs, chunksize=8))
            else:
                done = [_one(j) for j in jobs]
            out.print(f"{len(done)} Argumentationshilfen / briefs in {output}", highlight=False)
            return
        if corridor:
            data = briefs.corridor_brief(ctx, corridor[0], corridor[1])
        elif lma is not None:
            data = briefs.lma_brief(ctx, lma)
        else:
            data = briefs.unit_brief(ctx, str(ags))
    if as_json:
        output.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), "utf-8")
    else:
        size = write_pdf(_render(data, lang, attributions), output)
        out.print(f"{output} ({size:,} bytes)", highlight=False)


def goals_check(
    region: RegionFileOption = None,
    db: DbOption = None,
    database_url: DatabaseUrlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the whole payload")] = False,
    platform: Annotated[
        bool,
        typer.Option(
            "--platform",
            help="include the platform's goals and survey responses (its database beside "
            "the store or REGIONATLAS_PLATFORM_URL)",
        ),
    ] = False,
) -> None:
    """Ziele und Maßnahmen prüfen und neu berechnen – check goals and interventions against
    the store, recompute their progress and save it (as after an import)."""
    from regionatlas.workflows.monitoring import platform_content, refresh_after_import

    reg = _region(region, db, database_url)
    with opened_store(db, database_url) as store:
        content = None
        if platform:
            content = platform_content(store.url)
            if content is None:
                raise ParameterError(
                    "no migrated platform database beside the store",
                    expected="regionatlas db upgrade, or REGIONATLAS_PLATFORM_URL",
                )
        payload = refresh_after_import(store, reg, content=content)
    if as_json:
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    for g in payload["goals"]:
        for i in g["indicators"]:
            out.print(f"{g['id']} / {i['id']}: {i['status']} – {i['reason']} ({i['basis']})",
                      highlight=False)  # fmt: skip
    for it in payload["interventions"]:
        d = it["decision"]
        out.print(f"{it['id']}: {d['decision'] if d else 'no evaluation'}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("brief")(user_errors(brief))
    goals = typer.Typer(help="Ziele und Monitoring – goals and monitoring.", no_args_is_help=True)
    goals.command("check")(user_errors(goals_check))
    app.add_typer(goals, name="goals")
