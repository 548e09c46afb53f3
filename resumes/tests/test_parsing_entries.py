"""Work and education entries: companies run into their places, wrapped lines, open ranges."""

from __future__ import annotations

from resumes.parsing.education import parse_education
from resumes.parsing.local import LocalResumeParser
from resumes.parsing.roles import _split_trailing_place, is_place


def test_a_company_followed_by_its_city_and_region_is_split_at_the_city() -> None:
    assert _split_trailing_place("Samsung AI Center Montreal Montreal, Quebec") == (
        "Samsung AI Center Montreal",
        "Montreal, Quebec",
    )
    assert _split_trailing_place("In Motion Technology New Westminster, BC") == (
        "In Motion Technology",
        "New Westminster, BC",
    )
    assert _split_trailing_place("McGill University Montreal, Quebec") == (
        "McGill University",
        "Montreal, Quebec",
    )
    assert not is_place("McGill University Montreal, Quebec")
    assert is_place("Salt Lake City, UT") and is_place("Victoria, BC")


def test_entries_with_company_and_place_on_one_line_keep_their_titles_in_order() -> None:
    parsed = LocalResumeParser().parse(
        "Ana Lima\nana@example.test\nWork Experience\n"
        "Kinsol Research Inc. Victoria, BC\nMay 2017 \u2013 Present\nMachine Learning Consultant\n"
        "Samsung AI Center Montreal Montreal, Quebec\n"
        "May 2019 \u2013 August 2019\nResearch Intern\n"
        "McGill University Montreal, Quebec\nSeptember 2014 \u2013 April 2017\nTeaching Assistant\n"
        "In Motion Technology New Westminster, BC\nJuly 2011 \u2013 June 2013\nSoftware Developer\n"
    )
    got = [(e.company, e.title, e.start) for e in parsed.experiences]
    assert got == [
        ("Kinsol Research Inc.", "Machine Learning Consultant", "2017-05"),
        ("Samsung AI Center Montreal", "Research Intern", "2019-05"),
        ("McGill University", "Teaching Assistant", "2014-09"),
        ("In Motion Technology", "Software Developer", "2011-07"),
    ]


def test_an_open_range_after_a_school_means_still_studying() -> None:
    [phd, msc] = parse_education(
        ["McGill University 2017-09 \u2014", "Computer Science", "PhD",
         "McGill University 2014-09 \u2014 2017-08", "Computer Science", "MSc"]
    )  # fmt: skip
    assert (phd.degree, phd.start, phd.end) == ("PhD", "2017-09", None)
    assert (msc.degree, msc.end) == ("MSc", "2017-08")


def test_a_degree_line_wrapped_before_at_school_is_joined() -> None:
    [entry] = parse_education(
        [
            "Bachelor of Science Geographic Information Systems and Analytical Aug 2004 - Jun 2011",
            "Cartography at The Ohio State University",
        ]
    )
    assert entry.institution == "The Ohio State University"
    assert entry.degree == "Bachelor of Science"
    assert entry.field == "Geographic Information Systems and Analytical Cartography"
    assert entry.end == "2011-06"


def test_an_ocr_speck_before_a_field_and_a_place_after_it_are_dropped() -> None:
    [entry] = parse_education(["University of Cincinnati 2014 - 2018", "0 Chemistry", "Bachelors"])
    assert (entry.field, entry.degree, entry.end) == ("Chemistry", "Bachelors", "2018")
    [entry] = parse_education(
        ["University of California, Santa Cruz 2016 - 2020", "Statistics Santa Cruz, CA, US"]
    )
    assert entry.field == "Statistics"


def test_a_place_in_a_narrow_contact_column_is_found_wrapped_or_without_a_city() -> None:
    parser = LocalResumeParser()
    wrapped = parser.parse(
        "Fang Wan\nResearcher\nAbout\nShenzhen Guangdong\nCN\nwan@example.test\n+86 18181263270\n"
    )
    assert wrapped.country == "CN" and wrapped.city.startswith("Shenzhen")
    region_only = parser.parse("Mario Gray\nEngineer\nAbout\nCalifornia US\nmario@example.test\n")
    assert (region_only.city, region_only.region, region_only.country) == ("", "California", "US")
    headed = parser.parse(
        "Kai Azevedo\nEngineer\nContact\nFlorianópolis, Santa Catarina\n+1-513-555-0178\n"
        "kai@example.test\n"
    )
    assert (headed.city, headed.region) == ("Florianópolis", "Santa Catarina")
    headed = parser.parse("Nick Smits\nDeveloper\nCONTACT\nBelgium\nnick@example.test\n")
    assert headed.city == ""


def test_a_company_description_and_a_work_mode_do_not_hide_the_company() -> None:
    parsed = LocalResumeParser().parse(
        "Nick Smits\nnick@example.test\nWork Experience\n"
        "ShopRaha Kuwait/Remote\nRedefining the Grocery Experience.\nhttps://shopraha.example/\n"
        "November 2021 - Present\nMobile Team Lead\nBuilt the mobile team.\n"
        "Obytes Emirates/Remote\n"
        "A team of passionate developers, designers, and product managers creating responsive web\n"
        "and mobile applications for startups and agencies.\n"
        "January 2019 - January 2020\nFull-Stack Engineer\n"
        "DevPal Solutions Remote\nMay 2015 - December 2018\nFounder/CTO\n"
    )
    got = [(e.company, e.title, e.location) for e in parsed.experiences]
    assert got == [
        ("ShopRaha", "Mobile Team Lead", "Kuwait/Remote"),
        ("Obytes", "Full-Stack Engineer", "Emirates/Remote"),
        ("DevPal Solutions", "Founder/CTO", "Remote"),
    ]


def test_a_title_under_a_tagline_and_a_graded_title_are_titles() -> None:
    parser = LocalResumeParser()
    tagline = parser.parse(
        "Richard Roe\nrichard@example.test\nExperience\n"
        "Pied Piper 12/2013 - 12/2014\nAwesome compression company\nCEO/President\n"
        "Built a compression platform used by millions of people around the world.\n"
    )
    assert [(e.company, e.title) for e in tagline.experiences] == [("Pied Piper", "CEO/President")]
    graded = parser.parse(
        "Mario Gray\nmario@example.test\nWork\n"
        "Curio Bioscience\nSenior Process Engineer II\nJan 2024 - Jan 2025\n"
        "Scaled manufacturing processes.\n"
        "Senior Process Development Engineer\nJan 2022 - Dec 2023\n"
        "Developed manufacturing workflows.\n"
    )
    got = [(e.company, e.title, e.start) for e in graded.experiences]
    assert got[0] == ("Curio Bioscience", "Senior Process Engineer II", "2024-01")
    assert got[1][1:] == ("Senior Process Development Engineer", "2022-01")


def test_a_long_title_with_its_company_after_a_dash_is_still_a_title() -> None:
    parsed = LocalResumeParser().parse(
        "Todd Reyes\ntodd@example.test\nWork Experience\n"
        "Arcadia Redux (Dota 2 Unofficial) Australia\nJuly 2020 - May 2021\n"
        "Dota 2 Custom Game Developer - Arcadia Redux (Dota 2 Unofficial)\n"
        "Worked as one of the core developers of a custom game with a million players.\n"
    )
    [entry] = parsed.experiences
    assert entry.title == "Dota 2 Custom Game Developer - Arcadia Redux (Dota 2 Unofficial)"
    assert (entry.company, entry.location) == ("Arcadia Redux (Dota 2 Unofficial)", "Australia")


def test_a_side_column_of_years_beside_the_school_and_the_degree() -> None:
    lines = ["2006 ICC Brussels", "2011 Bachelor", "Computer Science and Accounting"]
    [entry] = parse_education(lines)
    assert (entry.institution, entry.degree, entry.field) == (
        "ICC Brussels",
        "Bachelor",
        "Computer Science and Accounting",
    )
    assert (entry.start, entry.end) == ("2006", "2011")
    [ongoing] = parse_education(["2018 The University of Cincinnati", "Present", "Bachelors"])
    assert (ongoing.institution, ongoing.start, ongoing.end) == (
        "The University of Cincinnati",
        "2018",
        None,
    )
