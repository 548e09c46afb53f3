"""General layout cases of the local parser (text as extractors give it, no database)."""

from __future__ import annotations

import pytest

from resumes.parsing.contacts import Place, _place_of, find_urls
from resumes.parsing.local import LocalResumeParser
from resumes.parsing.sections import heading_of


def parse(text: str):
    return LocalResumeParser().parse(text)


def test_skills_of_two_grid_columns_run_together_are_separated() -> None:
    parsed = parse(
        "Jane Doe\njane@example.test\nSkills\n"
        "React · HTML · Redux · Android ·\nNextJS · Angular iOS · KMM\n"
        "Hadoop · SPARK Jenkins · Docker\n"
    )
    assert {"angular", "ios", "spark", "jenkins", "kmm"} <= set(parsed.skills)
    assert "angular ios" not in parsed.skills and "spark jenkins" not in parsed.skills


def test_a_skill_of_two_ordinary_words_stays_whole() -> None:
    parsed = parse("Jane Doe\njane@example.test\nSkills\nApplied Math, Node Maven\n")
    assert "applied math" in parsed.skills
    assert {"node", "maven"} <= set(parsed.skills)


@pytest.mark.parametrize(
    ("line", "city", "region", "country"),
    [
        ("Birmingham, Alabama AL 35171 US", "Birmingham", "Alabama", "US"),
        ("Shenzhen, Guangdong CN", "Shenzhen", "Guangdong", "CN"),
        ("Ottawa Ontario CA", "Ottawa", "Ontario", "CA"),
        ("Ottawa, Ontario, Canada", "Ottawa", "Ontario", "Canada"),
        ("Paris, FR", "Paris", "", "FR"),
        ("Walnut Creek, CA", "Walnut Creek", "CA", ""),
        ("Lisbon 1000-001, Portugal", "Lisbon", "", "Portugal"),
    ],
)
def test_places_with_postal_codes_codes_and_regions(line, city, region, country) -> None:
    assert _place_of(line) == Place(city=city, region=region, country=country)


def test_a_street_line_or_a_us_city_with_its_state_code_is_no_country() -> None:
    assert _place_of("718 Peterson Lake Apt. 683") is None
    assert _place_of("San Jose CA") is None


def test_a_place_is_found_beside_the_contacts_under_any_heading() -> None:
    parsed = parse("Todd Reyes\nSoftware Developer\nAbout\nCincinnati USA\ntodd@example.test\n")
    assert (parsed.city, parsed.country) == ("Cincinnati", "USA")
    contact_block_last = (
        "Miguel Chapman\nWork Experience\nDaxko\nDirector of Test\nNovember 2019 - Present\n"
        "Contact\n718 Peterson Lake Apt. 683\nBirmingham, Alabama AL 35171 US\n"
        "(205) 555-0130\nmiguel@example.test\n"
    )
    parsed = parse(contact_block_last)
    assert (parsed.city, parsed.region, parsed.country) == ("Birmingham", "Alabama", "US")


def test_right_aligned_dates_read_as_a_block_of_their_own_are_paired_in_order() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nWork Experience\n"
        "Machine Learning Consultant at Kinsol Research Inc.\nVictoria, BC\n"
        "Research Intern at Samsung AI Center\nMontreal, Quebec\n"
        "Software Developer at In Motion Technology\nNew Westminster, BC\n"
        "Volunteer\nInvalid Date - Invalid Date\nMay 2019 - Aug 2019\nJul 2011 - Jun 2013\n"
    )
    got = [(e.title, e.company, e.location, e.start, e.end) for e in parsed.experiences]
    assert got == [
        ("Machine Learning Consultant", "Kinsol Research Inc.", "Victoria, BC", None, None),
        ("Research Intern", "Samsung AI Center", "Montreal, Quebec", "2019-05", "2019-08"),
        ("Software Developer", "In Motion Technology", "New Westminster, BC", "2011-07", "2013-06"),
    ]


def test_undated_entries_stay_undated_when_no_date_block_matches_them() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nExperience\nResearch Intern at Samsung AI Center\n"
        "Software Developer at In Motion Technology\nEducation\nMay 2019 - Aug 2019\n"
    )
    assert [(e.company, e.start) for e in parsed.experiences] == [
        ("Samsung AI Center", None),
        ("In Motion Technology", None),
    ]


def test_a_company_printed_with_its_place_is_told_apart_from_the_place() -> None:
    parsed = parse(
        "Miguel Chapman\nmiguel@example.test\nWork Experience\nDaxko Birmingham, AL\n"
        "November 2019 - January 2022\nDirector of Software Test\nLed the test team.\n"
        "Acme New York, NY\nMarch 2015 - October 2019\nTest Engineer\nTested things.\n"
    )
    got = [(e.company, e.location, e.title) for e in parsed.experiences]
    assert got == [
        ("Daxko", "Birmingham, AL", "Director of Software Test"),
        ("Acme", "New York, NY", "Test Engineer"),
    ]


def test_a_school_name_wrapped_after_degree_at_school_is_joined() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nEducation\n"
        "Master of Science Electrical Engineering at Georgia Aug 2012 - Aug 2013\n"
        "Institute of Technology\n"
        "Bachelor of Science, 2008 - 2012\nUniversity of Oxford\n"
    )
    got = [(e.institution, e.degree, e.field, e.end) for e in parsed.educations]
    assert got[0] == (
        "Georgia Institute of Technology",
        "Master of Science",
        "Electrical Engineering",
        "2013-08",
    )
    # Not after "Degree at School": a school line of its own stays one.
    assert got[1][0] == "University of Oxford"


def test_programming_languages_wrapped_in_a_narrow_column_stay_a_skills_group() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nSkills Programming\nLanguages\nJavaScript HTML CSS\n"
        "MATLAB\nLanguages English\nNative speaker\n"
    )
    assert {"javascript", "html", "css", "matlab"} <= set(parsed.skills)
    assert parsed.languages == ["english"]


def test_a_generic_head_noun_closes_the_skill_before_it_in_a_run_of_chips() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nSkills\nTest Automation API Testing\n"
        "Performance Testing Security Testing\nPython Docker Kubernetes\n"
    )
    assert {"api testing", "performance testing", "security testing"} <= set(parsed.skills)
    assert {"python", "docker", "kubernetes"} <= set(parsed.skills)
    assert "testing" not in parsed.skills


def test_ocr_readings_of_a_middle_dot_separate_skills() -> None:
    parsed = parse("Ana Lima\nana@example.test\nSkills\nDocker . Flask — Django _ Kafka —\n")
    assert {"docker", "flask", "django", "kafka"} <= set(parsed.skills)


@pytest.mark.parametrize(
    ("read", "link"),
    [
        ("https://github.conV/39todd", "https://github.com/39todd"),
        ("https://carl.github.10", "https://carl.github.io"),
        ("https://Inick.smits.net", "https://nick.smits.net"),
        ("https://lodash.com", "https://lodash.com"),
        ("https://example.io/10", "https://example.io/10"),
    ],
)
def test_ocr_misreadings_of_a_link_are_repaired(read: str, link: str) -> None:
    assert find_urls(f"Links: {read}") == [link]


def test_links_broken_by_ocr_are_not_part_of_a_title() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nWork\nGE Power 2013-08-05 — present\n"
        "Software Developer https:/Avww.ge.com (https //www.ge.com)\nBuilt tools.\n"
    )
    got = [(e.title, e.company) for e in parsed.experiences]
    assert got == [("Software Developer", "GE Power")]


def test_a_company_slogan_is_neither_company_nor_title() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nWork Experience\nShopRaha Kuwait/Remote\n"
        "Redefining the Grocery Experience.\nhttps://www.shopraha.com/\n"
        "November 2021 - Present\nMobile Team Lead\nLed the mobile team.\n"
    )
    assert [(e.title, e.company) for e in parsed.experiences] == [("Mobile Team Lead", "ShopRaha")]


def test_ocr_debris_around_skills_is_trimmed() -> None:
    parsed = parse("Ana Lima\nana@example.test\nSkills\nBackend Development __\nAngular iOS _KMM\n")
    assert "backend development" in parsed.skills
    assert {"angular", "ios", "kmm"} <= set(parsed.skills)


def test_a_heading_that_names_a_kind_of_skills_opens_the_skills_section() -> None:
    parsed = parse(
        "Dylan Pierce\ndylan@example.test\nProgramming skills\nR Python Scala Spark\n"
        "Matlab Mathematica\nLanguages\nEnglish\n"
    )
    assert {"python", "scala", "spark"} <= set(parsed.skills)
    assert heading_of("I have skills") is None


def test_a_heading_word_ending_a_wrapped_phrase_is_no_inline_heading() -> None:
    parsed = parse(
        "Donald Moore\ndonald@example.test\nSkills\nMachine learning\nLanguages and\n"
        "Frameworks\nPython C/C++ Java\nExperience\nAcme\nEngineer\n2019 - 2020\n"
    )
    assert "python" in parsed.skills and parsed.languages == []


def test_a_field_of_study_wrapped_after_a_small_word_is_joined() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nEducation\n2004 The Ohio State University\n2011\n"
        "Bachelor of Science\nGeographic Information Systems and\nAnalytical Cartography\n"
    )
    school = parsed.educations[0]
    assert school.field == "Geographic Information Systems and Analytical Cartography"


def test_an_email_and_a_link_wrapped_inside_their_domain_are_rejoined() -> None:
    parsed = parse(
        "Richard Hendriks\nProgrammer\nAbout\nrichard.hendriks@mail.c\nom\n(912) 555-4321\n"
        "richardhendricks.exampl\ne.com\ngithub.com/rhendriks\nneutralthoughts\n"
    )
    assert parsed.email == "richard.hendriks@mail.com"
    assert "richardhendricks.example.com" in parsed.urls
    assert not any("neutralthoughts" in url for url in parsed.urls)


def test_ocr_al_for_ai_is_repaired_in_work_headers() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nWork Experience\n"
        "Samsung Al Center Montreal\nMay 2019 - August 2019\nAl Research Intern\n"
    )
    [entry] = parsed.experiences
    assert (entry.company, entry.title) == ("Samsung AI Center Montreal", "AI Research Intern")


def test_highlights_after_a_page_break_in_a_side_column_go_back_to_their_entry() -> None:
    parsed = parse(
        "Ana Lima\nana@example.test\nVolunteer\nIEEE Conference\nMay 2019 - Present\nReviewer\n"
        "Skills\nPython\nRust\n\nHighlights\nIROS 2017, 2018\nICRA 2019\n"
    )
    assert {"python", "rust"} <= set(parsed.skills)
    assert not {"highlights", "icra 2019"} & set(parsed.skills)


def test_entries_after_a_side_column_without_a_page_gap_go_back_to_work() -> None:
    parsed = parse(
        "Kai Azevedo\nkai@example.test\nExperience\nNationwide Insurance 08/2014 - 10/2016\n"
        "Senior Developer\nInterests\nFree Diving\nKayaking\n"
        "Stantec 04/2012 - 08/2014\nGIS Analyst\nBuilt mapping applications.\n"
    )
    got = [(e.company, e.title, e.start) for e in parsed.experiences]
    assert got == [
        ("Nationwide Insurance", "Senior Developer", "2014-08"),
        ("Stantec", "GIS Analyst", "2012-04"),
    ]
