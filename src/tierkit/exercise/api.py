"""The two things a trainer does: make a class's exercise, and grade what comes back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError, OutputExistsError, Where, display_path, msg
from ..i18n import join, mark, tr
from ..io.atomic import check_output
from ..progress import track
from .build import ClassExercise, build_class, read_roster, student_names
from .grade import OK, Submission, counted, read_submission, status_text
from .gradebook import write_grades
from .identity import files_of, grade_files
from .keybook import AnswerKey, read_key, write_key, write_roster
from .workbook import write_exercise

KEY_NAME, ROSTER_NAME, STUDENTS_DIR = "answer_key.xlsx", "roster.xlsx", "students"


@dataclass
class GradeRun:
    key: AnswerKey
    submissions: list[Submission]
    grades: Path
    feedback: list[Path] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)  #: the Canvas and Moodle CSV gradebooks

    def lines(self, lang: str | None = None) -> list[str]:
        """What the CLI prints, in ``lang`` (default the exercise's): the class average and each file that needs
        the trainer's eye."""
        lang = lang or self.key.lang
        graded = counted(self.submissions)
        out = []
        if graded:
            mean = sum(s.score for s in graded) / len(graded)
            out.append(tr(lang, "graded {n} of {total} students; class average {mean}", n=len(graded),
                          total=len(self.key.students), mean=f"{mean:.0%}"))
        else:
            out.append(tr(lang, "graded 0 of {total} students", total=len(self.key.students)))
        for sub in self.submissions:
            if sub.status != OK:
                out.append("  " + tr(lang, "{file}: {status}: {problem}", file=sub.name,
                                     status=status_text(sub.status, lang), problem=sub.problem_text(lang)))
        missing = {name for name in set(self.key.students) - {s.student.student for s in graded if s.student}
                   if not files_of(self.submissions, name)}  # a student with an unreadable or held file is not missing
        if missing:
            out.append("  " + tr(lang, "missing: {students}", students=join(lang, sorted(missing))))
        out.append(tr(lang, "wrote {path}", path=display_path(self.grades)))
        for path in self.exports:
            out.append(tr(lang, "wrote {path}", path=display_path(path)))
        if self.feedback:
            out.append(tr(lang, "wrote {n} feedback PDFs in {folder}", n=len(self.feedback),
                          folder=display_path(self.feedback[0].parent)))
        return out


@dataclass
class NewRun:
    exercise: ClassExercise
    folder: Path
    key: Path
    roster: Path
    files: list[Path] = field(default_factory=list)

    def lines(self, lang: str | None = None) -> list[str]:
        """What the CLI prints, in ``lang`` (default the exercise's): where the workbooks, key and roster are."""
        lang = lang or self.exercise.lang
        cls = self.exercise
        folder = self.files[0].parent if self.files else self.folder / STUDENTS_DIR
        return [tr(lang, "exercise {exercise}: {n} workbooks in {folder} (seed {seed})", exercise=cls.exercise_id,
                   n=len(self.files), folder=display_path(folder), seed=cls.seed),
                tr(lang, "answer key: {path}  (keep it; do not hand it out)", path=display_path(self.key)),
                tr(lang, "roster: {path}", path=display_path(self.roster))]


def new_exercise(method: str, out_dir: str | Path, *, level: int = 1, students: int | Sequence[str] | None = None,
                 roster: str | Path | None = None, seed: int | None = None, lang: str = "en",
                 self_check: bool = False, force: bool = False, rules: str | Path | None = None,
                 params: Mapping[str, float] | None = None) -> NewRun:
    """Write ``DIR/students/<name>.xlsx`` (one per student), ``DIR/answer_key.xlsx`` and ``DIR/roster.xlsx``.

    ``rules`` is a rule file for the method (a trainer's copy of the built-in one); ``params`` override its
    cut-offs (``{"a_cutoff": 0.7}``).  The instructions, the answer key and the grading all use them."""
    if roster is not None:
        names = read_roster(roster, lang)
    elif isinstance(students, int) or students is None:
        names = [(s, None) for s in student_names(students, lang)]
    else:
        names = [(str(s), None) for s in students]
    folder = Path(out_dir)
    key_path, roster_path = folder / KEY_NAME, folder / ROSTER_NAME
    if key_path.exists() and not force:
        raise OutputExistsError(tr(lang, "an exercise already exists in {folder}", folder=display_path(folder)),
                                hint=tr(lang, "use {force} to replace it, or choose another {output} folder",
                                        force="--force", output="-o"))
    cls = build_class(method, level, names, seed=seed, lang=lang, self_check=self_check,
                      rules=str(rules) if rules is not None else None, params=params)
    (folder / STUDENTS_DIR).mkdir(parents=True, exist_ok=True)
    inputs = [Path(roster)] if roster is not None else []
    targets = [folder / STUDENTS_DIR / ex.file for ex in cls.students]
    for target in (*targets, key_path, roster_path):  # all refused before any is written
        check_output(target, force=force, inputs=inputs)
    pairs = list(zip(cls.students, targets, strict=True))
    files = [write_exercise(cls, ex, target, force=force, inputs=inputs)
             for ex, target in track(pairs, mark("progress", "writing the students' workbooks"))]
    write_key(cls, key_path, force=force, inputs=inputs)
    contacts = None
    if roster is not None:
        from .lms import read_contacts

        contacts = read_contacts(roster)
    write_roster(cls, roster_path, force=force, inputs=inputs, contacts=contacts)
    return NewRun(cls, folder, key_path, roster_path, files)


def _in_folders(path: Path, inputs: Sequence[str | Path]) -> bool:
    """``path`` lies in one of the folders among ``inputs`` (where returned workbooks are searched)."""
    resolved = path.resolve()
    return any(Path(p).is_dir() and resolved.is_relative_to(Path(p).resolve()) for p in inputs)


def grade_exercise(inputs: Sequence[str | Path], key: str | Path, out: str | Path, *,
                   feedback_dir: str | Path | None = None, lang: str | None = None, force: bool = True) -> GradeRun:
    """Grade every returned file against the key; write the grades workbook and optionally feedback PDFs."""
    out_path = Path(out)
    roster_path = Path(key).parent / ROSTER_NAME
    named = [Path(p) for p in inputs if not Path(p).is_dir()]
    check_output(out_path, force=True, inputs=[Path(key), roster_path, *named])  # never a file of this run
    answer_key = read_key(key)
    if out_path.is_file() and _in_folders(out_path, inputs) and read_submission(out_path, answer_key).student:
        raise InputFileError(
            msg("the output is a returned workbook of this exercise: {out_path}", out_path=display_path(out_path)),
            where=Where(file=display_path(out_path)),
            hint=msg("write the grades to another file name; tierkit never changes the input"),
        )
    from .lms import lms_targets, write_lms

    skip = [out_path, roster_path, *lms_targets(out_path)]  # this run's outputs (an earlier run's) are no returns
    subs = grade_files(list(inputs), answer_key, tuple(skip))
    if feedback_dir is not None:
        fb = Path(feedback_dir).resolve()
        subs = [s for s in subs if not s.path.resolve().is_relative_to(fb)]
    if out_path.exists() and not force:
        raise OutputExistsError(tr(lang or answer_key.lang, "output exists: {path}", path=display_path(out_path)),
                                hint=tr(lang or answer_key.lang, "use {force} to overwrite it", force="--force"))
    protected = [Path(key), roster_path, *named, *(s.path for s in subs)]
    pdfs: list[Path] = []
    if feedback_dir is not None:
        from .feedback import feedback_targets, stale_pdfs

        Path(feedback_dir).mkdir(parents=True, exist_ok=True)
        targets = feedback_targets(subs, feedback_dir)
        for _sub, target in targets:  # refused before the grades are written
            check_output(target, force=force, inputs=[*protected, out_path])
        stale = [p for p in stale_pdfs(targets, feedback_dir) if p.resolve() not in {q.resolve() for q in protected}]
        if stale and not force:
            raise OutputExistsError(tr(lang or answer_key.lang, "the feedback folder {folder} holds {n} PDF(s) of an "
                                       "earlier run", folder=display_path(Path(feedback_dir)), n=len(stale)),
                                    hint=tr(lang or answer_key.lang, "use {force} to replace them, or choose an "
                                            "empty folder", force="--force"))
        for pdf in stale:  # an earlier run's feedback (a student now missing, a renamed student) is not left behind
            pdf.unlink()
    for target in lms_targets(out_path):  # refused before the grades are written
        check_output(target, force=force, inputs=protected)
    grades = write_grades(subs, answer_key, out_path, lang=lang, force=force, inputs=protected)
    exports = write_lms(subs, answer_key, grades, roster_path, force=force, inputs=protected)
    if feedback_dir is not None:
        from .feedback import write_feedback

        pdfs = write_feedback(subs, answer_key, feedback_dir, force=force, inputs=[*protected, grades])
    return GradeRun(answer_key, subs, grades, pdfs, exports)
