"""Survey commands: ``survey synth``, ``survey import``, ``survey results``, ``survey create``,
``survey invite``, ``survey remind``, ``survey purge``, ``survey respondent``.

All take ``--db`` / ``--database-url`` (the atlas store: the region's municipalities and
measured flows) and ``--platform-url`` (the platform database holding the survey).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from regionatlas.cli.common import (
    DatabaseUrlOption,
    DbOption,
    QuietOption,
    RegionFileOption,
    opened_store,
    out,
    user_errors,
)
from regionatlas.cli.platform_cmds import PlatformUrlOption, open_platform

T = TypeVar("T")

QuestionnaireOption = Annotated[
    str, typer.Option("--questionnaire", help="questionnaire id: firms or municipalities")
]
SurveyOption = Annotated[
    str | None, typer.Option("--survey", help="survey name (default: the questionnaire id)")
]


def _region(path: Path | None):
    from regionatlas.region import load_region
    from regionatlas.settings import load_settings

    return load_region(path or load_settings().region_file)


def _from_region(
    db: Path | None,
    database_url: str | None,
    region: Path | None,
    read: Callable[[Any, Any], T],
) -> T:
    """``read(store, region)`` on the store of --db/--database-url (closed afterwards) and the
    region of --region: the municipalities or flows a survey is read against."""
    with opened_store(db, database_url) as store:
        return read(store, _region(region))


def _platform(platform_url: str | None, db: Path | None, database_url: str | None) -> Any:
    """The platform database of --platform-url, migrated to the newest revision."""
    database, _ = open_platform(platform_url, db, database_url)
    database.upgrade()
    return database


def register(app: typer.Typer) -> None:
    survey_app = typer.Typer(help="Befragungen – surveys of firms and municipalities")
    app.add_typer(survey_app, name="survey")

    @survey_app.command("synth")
    @user_errors
    def synth_cmd(
        questionnaire: QuestionnaireOption,
        responses: Annotated[int, typer.Option("--responses", min=1, max=1_000_000)] = 100,
        seed: Annotated[int, typer.Option("--seed")] = 1,
        output: Annotated[Path, typer.Option("-o", "--output", help="CSV file to write")] = Path(
            "responses.csv"
        ),
        structure: Annotated[
            Path | None, typer.Option("--structure", help="also write the LimeSurvey .lss")
        ] = None,
        db: DbOption = None,
        database_url: DatabaseUrlOption = None,
        region: RegionFileOption = None,
        quiet: QuietOption = False,
    ) -> None:
        """SYNTHETISCHE Antworten – write N synthetic responses as a LimeSurvey export."""
        from regionatlas.platform.surveys import limesurvey
        from regionatlas.platform.surveys.questionnaire import shipped
        from regionatlas.workflows import surveys as ws

        qn = shipped(questionnaire)
        ctx = _from_region(db, database_url, region, partial(ws.region_context, with_lma=False))
        output.write_text(ws.synthetic_csv(qn, ctx, responses, seed), encoding="utf-8")
        if structure:
            structure.write_text(limesurvey.write_lss(qn), encoding="utf-8")
        if not quiet:
            out.print(
                f"{responses} SYNTHETIC responses ({questionnaire}, seed {seed}) -> {output}; "
                f"drawn from the {ctx.basis} flows"
            )

    @survey_app.command("import")
    @user_errors
    def import_cmd(
        file: Annotated[Path, typer.Argument(help="LimeSurvey response export (CSV, codes)")],
        questionnaire: QuestionnaireOption,
        structure: Annotated[
            Path | None, typer.Option("--structure", help="LimeSurvey survey structure (.lss)")
        ] = None,
        survey: SurveyOption = None,
        db: DbOption = None,
        database_url: DatabaseUrlOption = None,
        platform_url: PlatformUrlOption = None,
        region: RegionFileOption = None,
        quiet: QuietOption = False,
    ) -> None:
        """Antworten importieren – import a LimeSurvey response export (all or nothing)."""
        from regionatlas.workflows import surveys as ws

        database = _platform(platform_url, db, database_url)
        places = set(_from_region(db, database_url, region, ws.region_places).index)
        report = ws.import_limesurvey(
            database,
            places,
            questionnaire,
            file.read_bytes(),
            str(file),
            survey_slug=survey,
            structure=structure.read_bytes() if structure else None,
            structure_file=str(structure) if structure else "",
        )
        if not quiet:
            out.print(
                f"imported {report.rows} responses ({report.complete} complete) into survey "
                f"{report.survey!r}"
            )

    @survey_app.command("results")
    @user_errors
    def results_cmd(
        survey: Annotated[str, typer.Argument(help="survey name (e.g. firms)")],
        output: Annotated[Path, typer.Option("-o", "--output", help="FILE.xlsx or FILE.csv")],
        db: DbOption = None,
        database_url: DatabaseUrlOption = None,
        platform_url: PlatformUrlOption = None,
        region: RegionFileOption = None,
        quiet: QuietOption = False,
    ) -> None:
        """Ergebnisse – results per question and perceived vs measured (cells < 5 as x)."""
        from regionatlas.workflows import surveys as ws

        database = _platform(platform_url, db, database_url)
        ctx = _from_region(db, database_url, region, ws.region_context)
        res = ws.results_for(database, survey, ctx)
        ws.write_results(res, output)
        if not quiet:
            label = " (SYNTHETIC)" if res.synthetic else ""
            out.print(f"{res.responses} complete responses{label} -> {output}")
            for name, c in res.comparisons.items():
                sm = c.summary
                value = "x (fewer than 5)" if sm["suppressed"] else f"{sm['agreement']:.3f}"
                out.print(f"  {name}: {value}  [{c.measure}]")

    @survey_app.command("create")
    @user_errors
    def create_cmd(
        questionnaire: QuestionnaireOption,
        survey: SurveyOption = None,
        mode: Annotated[str, typer.Option("--mode", help="invite or open")] = "invite",
        retention_days: Annotated[int, typer.Option("--retention-days")] = 365,
        platform_url: PlatformUrlOption = None,
        db: DbOption = None,
        database_url: DatabaseUrlOption = None,
    ) -> None:
        """Befragung anlegen – create a survey from a shipped questionnaire."""
        from regionatlas.platform.surveys import service

        database = _platform(platform_url, db, database_url)
        with database.session(note="cli survey create") as s:
            sv = service.create_survey(
                s, survey or questionnaire, questionnaire, mode=mode, retention_days=retention_days
            )
            out.print(f"created survey {sv.slug!r} ({questionnaire}, {mode})")

    @survey_app.command("invite")
    @user_errors
    def invite_cmd(
        survey: Annotated[str, typer.Argument(help="survey name")],
        emails: Annotated[Path, typer.Option("--emails", help="file with one address a line")],
        lang: Annotated[str, typer.Option("--lang")] = "de",
        platform_url: PlatformUrlOption = None,
    ) -> None:
        """Einladen – mail personal links (one response per link)."""
        from regionatlas.platform.mail import Mailer
        from regionatlas.platform.surveys import service

        database, settings = open_platform(platform_url)
        with database.session(note="cli survey invite") as s:
            n = service.invite(
                s,
                Mailer.from_settings(settings),
                settings.base_url,
                service.get(s, survey),
                emails.read_text(encoding="utf-8").splitlines(),
                lang,
            )
        out.print(f"sent {n} invitations")

    @survey_app.command("remind")
    @user_errors
    def remind_cmd(
        survey: Annotated[str, typer.Argument(help="survey name")],
        lang: Annotated[str, typer.Option("--lang")] = "de",
        platform_url: PlatformUrlOption = None,
    ) -> None:
        """Erinnern – remind everyone invited who has not submitted yet."""
        from regionatlas.platform.mail import Mailer
        from regionatlas.platform.surveys import service

        database, settings = open_platform(platform_url)
        with database.session(note="cli survey remind") as s:
            n = service.remind(
                s, Mailer.from_settings(settings), settings.base_url, service.get(s, survey), lang
            )
        out.print(f"sent {n} reminders")

    @survey_app.command("purge")
    @user_errors
    def purge_cmd(platform_url: PlatformUrlOption = None) -> None:
        """Löschfristen – delete responses whose retention period has passed."""
        from regionatlas.platform.surveys import service

        database, _ = open_platform(platform_url)
        with database.session(note="cli survey purge") as s:
            n = service.purge_expired(s)
        out.print(f"deleted {n} responses past their retention period")

    @survey_app.command("respondent")
    @user_errors
    def respondent_cmd(
        survey: Annotated[str, typer.Argument(help="survey name")],
        response: Annotated[int, typer.Option("--response", help="response id")],
        delete: Annotated[bool, typer.Option("--delete", help="delete instead of export")] = False,
        platform_url: PlatformUrlOption = None,
    ) -> None:
        """Auskunft/Löschung – print (JSON) or delete one respondent's data."""
        from regionatlas.platform.surveys import service

        database, _ = open_platform(platform_url)
        with database.session(note="cli survey respondent") as s:
            sv = service.get(s, survey)
            if delete:
                rid = service.delete_respondent(s, sv, response_id=response)
                out.print(f"deleted response {rid}")
            else:
                data = service.export_respondent(s, sv, response_id=response)
                typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
