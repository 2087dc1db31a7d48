"""Read interview transcripts (.txt, .md, .docx): metadata block, speaker turns, timestamps.

Offsets everywhere refer to ``Interview.text``: the file's text as decoded (line endings kept),
or, for a .docx, its paragraphs joined by newlines.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from cloterres.errors import InputError
from cloterres.interviews.model import Interview, Turn
from cloterres.io.archive import check_docx
from cloterres.io.sources import SourceRef
from cloterres.io.tables import normalize_header
from cloterres.io.text import read_text, without_controls
from cloterres.io.yaml_safe import YamlBombError, safe_load

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document as DocxDocument

TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx", ".vtt")

# Metadata keys (folded) -> case variable
_META_KEYS = {
    "id": "id", "entretien": "id", "identifiant": "id", "n entretien": "id", "code": "id",
    "territoire": "territoire", "cls": "territoire", "contrat": "territoire",
    "territoire cls": "territoire", "contrat local de sante": "territoire",
    "region": "region", "date": "date", "date de l entretien": "date",
    "enqueteur": "enqueteur", "enquetrice": "enqueteur", "enqueteur trice": "enqueteur",
    "intervieweur": "enqueteur", "interviewer": "enqueteur", "chercheur": "enqueteur",
    "type d acteur": "type_acteur", "type acteur": "type_acteur", "type de structure": "type_acteur",
    "role": "role", "role dans le cls": "role", "milieu": "milieu",
    "structure": "structure", "fonction": "fonction", "duree": "duree", "lieu": "lieu",
    "repondant": "repondant", "repondante": "repondant", "personne interrogee": "repondant",
}  # fmt: skip

_INTERVIEWER_LABELS = {
    "e", "q", "i", "i1", "i2", "int", "enq", "enqueteur", "enquetrice", "enqueteurs",
    "intervieweur", "intervieweuse", "interviewer", "chercheur", "chercheuse",
}  # fmt: skip
_RESPONDENT_LABELS = {"r", "r1", "r2", "repondant", "repondante", "interviewe", "interviewee"}

# Linear time on any line: possessive quantifiers where two neighbouring parts could match the
# same spaces, and the "Clé : valeur" lines parsed around their first colon.
# Timestamps of transcription tools before a speaker label or a turn: [00:12:31] (docx exports,
# Zoom), (00:12:31), bare 00:12:31 or 0:12:31.5 (NVivo), 00:12 (oTranscribe), {00:12}.
_TIMESTAMP = (
    r"(?:(?:[\[({]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])}]"
    r"|\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?(?=[ \t]))[ \t]*(?:[-–][ \t]+)?)"
)
# Otter.ai and Teams label lines: "Firstname Lastname  11:24" (or h:mm:ss) alone on a line, the
# speech on the lines that follow.
_LABEL_TIME_LINE = re.compile(
    r"^[ \t]*+(?P<label>[^\W\d_][\w.'’ \-]{0,38}?)[ \t]+(?:\d{1,2}:)?\d{1,2}:\d{2}[ \t]*+$"
)
_HEADING = re.compile(r"[ \t]*(?:#{1,6}[ \t]|$)")
#: Speaker of the speech before the first label line of a transcript.
UNKNOWN_SPEAKER = "(locuteur non indiqué)"
_LABEL_COLON = re.compile(
    rf"^(?P<pre>[ \t]*+{_TIMESTAMP}?(?:\*\*|__)?)"
    r"(?P<label>[^\W\d_][\w.'’ \-]{0,38}?|[A-Z]\d?)"
    r"(?P<post>[ \t]*+(?:(?:\*\*|__)[ \t]*+)?:[ \t]*+(?:(?:\*\*|__)[ \t]*+)?)"
)
_LABEL_BRACKET = re.compile(
    rf"^(?P<pre>[ \t]*+{_TIMESTAMP}?)\[(?P<label>[^\]\d:][^\]]{{0,40}})\][ \t]*+"
)
_LEADING_TIMESTAMP = re.compile(rf"^[ \t]*+{_TIMESTAMP}+")
_FRONT_MATTER = re.compile(
    r"\A---[ \t]*+\r?\n(?P<body>.*?)\r?\n(?:---|\.\.\.)[ \t]*+(?:\r?\n|\Z)", re.S
)
_KEY = re.compile(r"(?:\*\*|__)?(?P<key>[^:\n*_]{1,40}?)(?:\*\*|__)?[ \t]*")


def _key_value(line: str) -> tuple[str, str] | None:
    """``(key, value)`` of a « Clé : valeur » line (key at most 40 characters), or None."""
    stripped = line.lstrip(" \t")
    colon = stripped.find(":", 0, 64)
    if colon < 0:
        return None
    m = _KEY.fullmatch(stripped, 0, colon)
    if not m:
        return None
    value = stripped[colon + 1 :].lstrip(" \t")
    if value.startswith(("**", "__")):
        value = value[2:]
    return m.group("key"), value.strip(" \t\r")


def _line_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """(start, end) of every line of text[start:], end excluding the line break."""
    spans = []
    for m in re.finditer(r"[^\n]*(?:\n|\Z)", text[start:]):
        if m.start() == m.end():
            break
        line_end = start + m.end()
        content_end = line_end - (1 if text[line_end - 1 : line_end] == "\n" else 0)
        if content_end > start + m.start() and text[content_end - 1] == "\r":
            content_end -= 1
        spans.append((start + m.start(), content_end))
    return spans


def _metadata(text: str, where: str = "") -> tuple[dict[str, str], int]:
    """Case variables from a YAML front matter or "Clé : valeur" lines; and where the body starts.

    A front matter whose aliases expand too much, too deep or cyclic is refused (InputError
    naming ``where``); one that is not valid YAML is read as text."""
    m = _FRONT_MATTER.match(text)
    if m:
        try:
            data = safe_load(m.group("body"))
        except yaml.YAMLError:
            data = None
        except (YamlBombError, RecursionError) as exc:
            problem = str(exc) if isinstance(exc, YamlBombError) else "imbrication trop profonde"
            raise InputError(
                f"{where or 'transcription'} : métadonnées YAML en tête refusées : {problem}"
            ) from None
        if isinstance(data, dict):
            return {
                case_variable(str(k)): str(v) for k, v in data.items() if v is not None
            }, m.end()
    variables: dict[str, str] = {}
    body = 0
    for start, end in _line_spans(text):
        line = text[start:end]
        if not line.strip():
            if variables:
                body = end
                break
            continue
        kv = _key_value(line)
        key = normalize_header(kv[0]) if kv else ""
        value = kv[1].strip() if kv else ""
        if not kv or key not in _META_KEYS or len(value) > 80 or value.endswith(("?", "!")):
            break
        variables[_META_KEYS[key]] = value
        body = end
    # One "Enquêteur : Bonjour..." line is a turn, not metadata; one "id: E01" line is an id.
    alone_id = list(variables) == ["id"] and bool(re.fullmatch(r"[\w.\-]{1,40}", variables["id"]))
    if len(variables) < 2 and not alone_id:
        return {}, 0
    return variables, body


def transcript_metadata(text: str, where: str = "") -> tuple[dict[str, str], int]:
    """Case variables at the top of a transcript, and where its body starts."""
    return _metadata(text, where)


def transcript_id(text: str, where: str = "") -> str:
    """The interview id a transcript states at its top (« id: E07 »), "" when none."""
    return transcript_metadata(text, where)[0].get("id", "")


def case_variable(key: str) -> str:
    """The case variable a metadata key or a variable name stands for: « Type d'acteur »,
    ``type_acteur`` and « type acteur » are all ``type_acteur`` (unknown names folded to
    snake_case)."""
    folded = normalize_header(key)
    return _META_KEYS.get(folded, folded.replace(" ", "_"))


def _is_interviewer(label: str, interviewer_name: str) -> bool:
    folded = normalize_header(label)
    if (
        folded in _INTERVIEWER_LABELS
        or folded.startswith("enquet")
        or folded.startswith("interview")
    ):
        return folded not in _RESPONDENT_LABELS
    return bool(interviewer_name) and folded == normalize_header(interviewer_name)


def _turns(text: str, body: int, interviewer_name: str) -> list[Turn]:
    lines = _line_spans(text, body)
    # (line index, label, where the speech starts, looks like a label line of a tool)
    candidates: list[tuple[int, str, int, bool]] = []
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        timed = _LABEL_TIME_LINE.match(line)
        m = timed or _LABEL_BRACKET.match(line) or _LABEL_COLON.match(line)
        if not m:
            continue
        label = m.group("label").strip(" -")
        if len(label.split()) > 4:
            continue
        # A label line with a timestamp is a transcription tool's: kept even if seen once.
        stamped = bool(timed) or bool(_LEADING_TIMESTAMP.match(line))
        candidates.append((index, label, start + m.end(), stamped))
    counts = Counter(normalize_header(label) for _, label, _, _ in candidates)
    known = _INTERVIEWER_LABELS | _RESPONDENT_LABELS
    accepted = [
        c for c in candidates
        if c[3] or counts[normalize_header(c[1])] >= 2 or normalize_header(c[1]) in known
        or _is_interviewer(c[1], interviewer_name)
    ]  # fmt: skip
    spans: list[tuple[str, bool, int, int]] = []
    if accepted:
        # Speech before the first label line belongs to no named speaker, but it is speech.
        first = lines[accepted[0][0]][0]
        start = body
        for line_start, line_end in lines:  # a Markdown title is not speech
            if line_start >= first or not _HEADING.match(text, line_start, line_end):
                break
            start = line_end
        start, end = _strip(text, start, first)
        if end > start:
            spans.append((UNKNOWN_SPEAKER, False, start, end))
    for number, (index, label, speech, _stamped) in enumerate(accepted, start=1):
        next_index = accepted[number][0] if number < len(accepted) else len(lines)
        end = lines[next_index - 1][1] if next_index > index else lines[index][1]
        ts = _LEADING_TIMESTAMP.match(text, speech, end)
        start, end = _strip(text, ts.end() if ts else speech, end)
        spans.append((label, _is_interviewer(label, interviewer_name), start, end))
    return [
        Turn(number=number, speaker=label, interviewer=interviewer, start=start, end=end)
        for number, (label, interviewer, start, end) in enumerate(spans, start=1)
    ]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\n":
        start += 1
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return start, end


def _docx_text(path: Path) -> str:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise InputError("python-docx n'est pas installé : lancez « make install »") from exc
    check_docx(path)
    try:
        document = docx.Document(str(path))
        return _paragraph_lines(document)
    except PackageNotFoundError:
        raise InputError(
            f"{path} : document Word illisible (ce n'est pas un fichier .docx) ; ouvrez-le dans "
            f"Word ou LibreOffice et enregistrez-le au format .docx"
        ) from None
    except Exception as exc:  # python-docx and lxml fail in many ways on damaged documents
        raise InputError(
            f"{path} : document Word illisible ({type(exc).__name__}) ; ouvrez-le dans Word ou "
            f"LibreOffice et enregistrez-le à nouveau au format .docx"
        ) from None


def _paragraph_lines(document: DocxDocument) -> str:
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text
        bold = ""
        for run in paragraph.runs:
            if run.bold and not bold.endswith(":"):
                bold += run.text
            else:
                break
        label = bold.strip()
        rest = text[len(bold) :].lstrip()
        # a bold speaker name without its colon: write the colon so that the turn is recognised
        if label and rest and ":" not in label and len(label) <= 40 and not rest.startswith(":"):
            text = f"{label} : {rest}"
        lines.append(text)
    return "\n".join(lines)


_VTT_SPEAKER = re.compile(
    r"^(?P<label>[^\W\d_][\w.'’ \-]{0,38}?)[ \t]*:[ \t]*(?P<speech>.*)$", re.S
)


def _vtt_text(path: Path) -> str:
    """A Zoom or Teams ``.vtt`` transcript as "[hh:mm:ss] Speaker : speech" lines, one per
    run of cues of one speaker (Teams names them in ``<v Name>``, Zoom as "Name: ")."""
    import webvtt
    from webvtt.errors import MalformedFileError

    raw = read_text(path).removeprefix("\ufeff")
    try:
        # WebVTT iterates through its untyped __getitem__/__len__
        captions = list(webvtt.from_string(raw))  # type: ignore[call-overload]
    except (MalformedFileError, ValueError, IndexError) as exc:
        raise InputError(
            f"{path} : fichier WebVTT illisible ({exc or type(exc).__name__}) ; exportez à "
            "nouveau la transcription depuis Zoom ou Teams au format .vtt"
        ) from None
    runs: list[tuple[str, str, list[str]]] = []  # (start, speaker, speech)
    for caption in captions:
        speech = " ".join(line.strip() for line in caption.text.splitlines() if line.strip())
        speaker = (getattr(caption, "voice", None) or "").strip()
        if not speaker:
            m = _VTT_SPEAKER.match(speech)
            if m and len(m.group("label").split()) <= 4:
                speaker, speech = m.group("label").strip(), m.group("speech").strip()
        if not speech:
            continue
        if runs and runs[-1][1] == speaker:
            runs[-1][2].append(speech)
        else:
            runs.append((caption.start[:8], speaker, [speech]))
    if not runs:
        raise InputError(f"{path} : fichier WebVTT sans texte ; vérifiez l'export")
    return "\n".join(
        f"[{start}] {speaker} : {' '.join(speech)}" if speaker else f"[{start}] {' '.join(speech)}"
        for start, speaker, speech in runs
    )


def read_transcript(path: Path) -> Interview:
    """Read one transcript; raise InputError when it cannot be used.

    Line endings are normalised to ``\\n`` (every tool then counts offsets the same way)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".vtt":
        text = _vtt_text(path)
    else:
        text = read_text(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = without_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    variables, body = _metadata(text, str(path))
    if not text[body:].strip():
        raise InputError(
            f"{path} : transcription vide (aucun texte après les métadonnées) ; vérifiez le fichier"
        )
    interview_id = variables.pop("id", "") or path.stem
    return interview_from_text(
        interview_id, path.stem, text, variables, SourceRef(fichier=str(path)), body
    )


def interview_from_text(
    interview_id: str,
    name: str,
    text: str,
    variables: dict[str, str],
    source: SourceRef,
    body: int = 0,
) -> Interview:
    """An interview from a text whose metadata are known: speaker turns are recognised."""
    turns = _turns(text, body, variables.get("enqueteur", ""))
    warnings = []
    if not turns:
        start = body
        while start < len(text) and text[start] in " \t\r\n":
            start += 1
        end = len(text.rstrip())
        turns = [Turn(number=1, speaker="Répondant", interviewer=False, start=start, end=end)]
        warnings.append(
            "aucun tour de parole reconnu (« Enquêteur : », « R : », « [Nom] »...) : tout le texte "
            "est attribué à un seul locuteur"
        )
    return Interview(
        id=interview_id,
        name=name,
        text=text,
        variables=variables,
        turns=turns,
        source=source,
        warnings=warnings,
    )
