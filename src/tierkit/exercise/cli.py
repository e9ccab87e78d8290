"""``tierkit exercise new|grade``: the trainer kit on the command line."""

from __future__ import annotations

from pathlib import Path

import click

from ..clikit import force_option, lang_option, quiet_option, run_safely
from ..i18n import tr


class MethodChoice(click.Choice):
    """The exercise methods, by name only: the plugins themselves import pandas."""

    def __init__(self) -> None:
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self) -> list[str]:
        from .names import METHOD_NAMES

        return list(METHOD_NAMES)

    @choices.setter
    def choices(self, _value: object) -> None:
        pass


@click.group("exercise")
def exercise() -> None:
    """Trainer kit: exercise workbooks for a class, answer keys, grading and feedback PDFs.

    \b
    tierkit exercise new --method abc --level 2 --students 25 --seed 7 -o class1
    tierkit exercise grade returned/ --key class1/answer_key.xlsx -o grades.xlsx --feedback feedback/
    """


@exercise.command("new")
@click.option("--method", required=True, type=MethodChoice(), help="The classification method taught.")
@click.option("--level", type=click.IntRange(1, 3), default=1, show_default=True,
              help="1: helper values given; 2: compute them; 3: also write the cut-offs.")
@click.option("--students", type=int, default=None, help="Number of students (default 20), named student01 ...")
@click.option("--roster", type=click.Path(dir_okay=False), default=None,
              help="Workbook or CSV with a 'student' (姓名) column and optionally 'lang' (en/zh).")
@click.option("--seed", type=int, default=None, help="Class seed: the same seed and names give the same files.")
@lang_option(help="Language of the workbooks (a roster's lang column overrides it per student).")
@click.option("--self-check", is_flag=True, help="Let students check their answers with the Excel add-in.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@force_option("Replace an exercise already in the folder.")
@quiet_option()
@run_safely
def new_command(method: str, level: int, students: int | None, roster: str | None, seed: int | None, lang: str,
                self_check: bool, out_dir: str, force: bool, quiet: bool) -> None:
    """Make one workbook per student (own data, same difficulty), the answer key and the class roster.

    \b
    Example:
      tierkit exercise new --method abc --level 2 --students 25 --seed 7 --lang zh -o class1
      -> class1/students/学生01.xlsx ... (hand these out), class1/answer_key.xlsx, class1/roster.xlsx
    """
    from ..errors import TierkitError
    from .api import new_exercise

    if roster and students is not None:
        raise TierkitError(tr(lang, "give either {a} or {b}, not both", a="--students", b="--roster"))
    run = new_exercise(method, out_dir, level=level, students=students, roster=roster, seed=seed, lang=lang,
                       self_check=self_check, force=force)
    for line in [] if quiet else run.lines(lang):
        click.echo(line)


@exercise.command("grade")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--key", required=True, type=click.Path(dir_okay=False), help="The answer_key.xlsx of the exercise.")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="The grades workbook.")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for one feedback PDF per student (in the student's language).")
@lang_option(default=None, help="Language of the grades workbook (default: the exercise's).")
@force_option("Overwrite the grades workbook and feedback PDFs if they exist; remove an earlier run's PDFs.")
@quiet_option()
@run_safely
def grade_command(inputs: tuple[str, ...], key: str, out: str, feedback_dir: str | None, lang: str | None,
                  force: bool, quiet: bool) -> None:
    """Grade returned workbooks (folders or files) against the answer key.

    A file counts for the student whose exercise it carries (its name is only a fallback); a file whose
    name names another student is held for review. .ods, .xls and .csv returns are read too. Every file
    that needs a look (unreadable, another exercise, changed data, blank, copied) is listed by name with
    the reason in the grades workbook; Canvas and Moodle CSV gradebooks are written beside it.

    \b
    Example:
      tierkit exercise grade returned/ --key class1/answer_key.xlsx -o grades.xlsx --feedback feedback/
    """
    from ..errors import InputFileError
    from .api import grade_exercise

    for item in inputs:
        if not Path(item).exists():
            raise InputFileError(tr(lang or "en", "not found: {path}", path=item),
                                 hint=tr(lang or "en", "give the folder (or files) of the returned workbooks"))
    run = grade_exercise(list(inputs), key, out, feedback_dir=feedback_dir, lang=lang, force=force)
    for line in [] if quiet else run.lines(lang):
        click.echo(line)
