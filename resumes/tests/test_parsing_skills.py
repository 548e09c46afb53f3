"""Skills lists as layouts print them: chip rows joined by spaces, unheaded side columns."""

from __future__ import annotations

from resumes.parsing.local import LocalResumeParser


def parse(text: str):
    return LocalResumeParser().parse(text)


def test_a_row_of_chips_is_split_by_known_names_product_spellings_and_versions() -> None:
    parsed = parse(
        "Ana Souza\nana@example.test\nSkills\n"
        "Vert.x AWS LINKERD\nNginx Serverless.io\nAngular 1/2 Node\nMoveIt 2 OpenCV\n"
        "Postman Charles Proxy NeoLoad JMeter\n"
    )
    expected = {
        "vert.x", "aws", "linkerd", "nginx", "serverless.io", "angular 1/2", "node",
        "moveit 2", "opencv", "postman", "charles proxy", "neoload", "jmeter",
    }  # fmt: skip
    assert expected <= set(parsed.skills)
    assert not any(
        " " in s and s.split()[0] in {"vert.x", "nginx", "postman"} for s in parsed.skills
    )


def test_chips_that_share_a_head_noun_or_a_first_word_are_told_apart() -> None:
    parsed = parse(
        "Li Wei\nli@example.test\nSkills\n"
        "Context Driven Testing Modern Testing\n"
        "Quantum Mechanics Quantum Computing Quantum Information\n"
        "Robust Template Design CICD Design\n"
    )
    assert {
        "context driven testing",
        "modern testing",
        "quantum mechanics",
        "quantum computing",
        "quantum information",
        "robust template design",
        "cicd design",
    } <= set(parsed.skills)


def test_ordinary_two_word_skills_and_unknown_phrases_stay_whole() -> None:
    parsed = parse(
        "Li Wei\nli@example.test\nSkills\nApplied Math\nNVIDIA Isaac Sim\nSpring MVC\n"
        "Data Pipelines CLI Tools Backends\n"
    )
    assert {"applied math", "nvidia isaac sim", "spring mvc"} <= set(parsed.skills)
    assert "isaac sim" not in parsed.skills and "mvc" not in parsed.skills


def test_skill_groups_with_levels_in_an_unheaded_side_column_are_skills() -> None:
    parsed = parse(
        "Kai Moreira\nSoftware Engineer\nAbout\nFlorianópolis, Brazil\nkai@example.test\n"
        "Web Development\nMaster\nReact HTML JS Redux\nNextJS Angular\n"
        "J2EE\nMaster\nWebSphere Java JSP\nAngular 1/2 Node\n"
        "Experience\nAcme Corp 01/2020 - Present\nWeb Engineer\nBuilt web applications.\n"
    )
    assert {"web development", "react", "redux", "j2ee", "java", "angular 1/2", "node"} <= set(
        parsed.skills
    )
    assert "master" not in parsed.skills
    assert [(e.company, e.title) for e in parsed.experiences] == [("Acme Corp", "Web Engineer")]


def test_a_short_contact_block_is_no_skills_list() -> None:
    parsed = parse(
        "Kai Moreira\nAbout\nLisbon, Portugal\nkai@example.test\nGitHub\nLinkedIn\nTwitter\n"
        "Experience\nAcme Corp 01/2020 - Present\nWeb Engineer\n"
    )
    assert parsed.skills == []


def test_technology_names_resolve_to_their_own_skill_not_an_esco_alternative_label() -> None:
    from resumes.skills import get_skill, normalize_skill

    for name in ("Quality Assurance", "Fusion 360", "LabVIEW", "JMeter", "Terragrunt", "Solaris"):
        slug = normalize_skill(name)
        assert slug, name
        skill = get_skill(slug)
        assert not skill.esco and skill.name.lower() == name.lower(), (name, skill)


def test_a_chip_joined_by_a_slash_or_and_stays_one_item() -> None:
    parsed = parse(
        "Li Wei\nli@example.test\nSkills\nAzure Event Hubs / Kafka\nNPM and Gulp Build Systems\n"
    )
    assert {"azure event hubs / kafka", "npm and gulp build systems"} <= set(parsed.skills)


def test_lone_unknown_words_between_known_chips_are_chips_of_their_own() -> None:
    parsed = parse(
        "Li Wei\nli@example.test\nSkills\nDebugging Git GitLab\nBuild automation C C++\n"
    )
    assert {"debugging", "git", "gitlab", "build automation", "c", "c++"} <= set(parsed.skills)


def test_a_skill_group_named_languages_and_frameworks_opens_no_languages_section() -> None:
    parsed = parse(
        "Li Wei\nli@example.test\nSkills\nTechnical\nMachine learning\n"
        "Languages and Frameworks\nPython\nRust\n"
    )
    assert {"languages and frameworks", "python", "rust"} <= set(parsed.skills)
    assert "and frameworks" not in parsed.skills and parsed.languages == []


def test_ocr_debris_and_a_lost_js_dot_are_repaired_in_listed_skills() -> None:
    parsed = parse(
        "Li Wei\nli@example.test\nSkills\nReact Redux —Gatsbyjs_ Next js\n"
        "Python Django Node. js Express js\n"
    )
    assert {"gatsbyjs", "next.js", "node.js", "express.js", "django"} <= set(parsed.skills)
    assert not any(s.endswith("_") or s.endswith(" js") for s in parsed.skills)


def test_a_chip_wrapped_after_a_small_word_or_a_slash_is_one_skill() -> None:
    parsed = parse(
        "Todd Reyes\ntodd@example.test\nSkills\nPython/Etc Packaging /\nApp Dev\n"
        "An Unhealthy Amount of\nPytest\nInterfaced With\nEpic\n"
    )
    assert {"python/etc packaging / app dev", "an unhealthy amount of pytest"} <= set(parsed.skills)
    assert {"interfaced with", "epic"} <= set(parsed.skills)
