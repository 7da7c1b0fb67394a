"""The ``ceatlas`` command: a thin Typer layer over the library."""

from __future__ import annotations

import typer

from ceatlas.cli import (
    accounts,
    approvals,
    catalog,
    ce,
    generate,
    kb,
    notify,
    plan,
    recommend,
    search,
    serve,
    sources,
)

app = typer.Typer(
    name="ceatlas",
    help="CE Atlas: find, plan and track continuing education for massage therapists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("init")(catalog.init)
app.command("import")(catalog.import_)
app.command("export")(catalog.export)
app.command("stats")(catalog.stats)
app.command("read-courses")(catalog.read_courses)
app.add_typer(catalog.terms_app, name="course-terms")
app.command("generate")(generate.generate)
app.command("search")(search.search)
app.command("serve")(serve.serve)
app.command("recommend")(recommend.recommend)
app.add_typer(kb.app, name="kb")
app.add_typer(accounts.app, name="accounts")
app.add_typer(ce.app, name="ce")
app.command("plan")(plan.plan)
app.command("notify")(notify.notify)
app.add_typer(sources.app, name="sources")
app.add_typer(approvals.app, name="approvals")


def main() -> None:
    app()
