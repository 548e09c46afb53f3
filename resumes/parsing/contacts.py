"""Contact details from the top of a resume: e-mail, phone, links, name, city and country."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from resumes.parsing.sections import heading_of

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE
)
URL_RE = re.compile(
    r"(?<![@\w.])(?:https?://|www\.)[^\s<>()\"',;]+"
    r"|(?<![@\w.:/])(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|me|co|ai|app|info|page|site|xyz|tech|"
    r"blog|us|uk|de|fr|ca|in|github\.io)(?:/[^\s<>()\"',;]*)?(?![\w@])",
    re.IGNORECASE,
)
# Link-looking text that is not a link: file names and domains of e-mail addresses.
_NOT_URL_RE = re.compile(r"^[^.]+\.(?:js|ts|py|io)$", re.IGNORECASE)

COUNTRIES: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "us": "US",
    "u.s.a.": "US", "u.s.": "US", "canada": "CA", "mexico": "MX", "brazil": "BR", "brasil": "BR",
    "argentina": "AR", "chile": "CL", "colombia": "CO", "peru": "PE", "united kingdom": "GB",
    "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "ireland": "IE", "france": "FR",
    "germany": "DE", "deutschland": "DE", "spain": "ES", "españa": "ES", "portugal": "PT",
    "italy": "IT", "italia": "IT", "netherlands": "NL", "the netherlands": "NL", "belgium": "BE",
    "switzerland": "CH", "austria": "AT", "sweden": "SE", "norway": "NO", "denmark": "DK",
    "finland": "FI", "poland": "PL", "czech republic": "CZ", "czechia": "CZ", "hungary": "HU",
    "romania": "RO", "bulgaria": "BG", "greece": "GR", "turkey": "TR", "türkiye": "TR",
    "russia": "RU", "ukraine": "UA", "israel": "IL", "egypt": "EG", "morocco": "MA",
    "nigeria": "NG", "kenya": "KE", "south africa": "ZA", "india": "IN", "pakistan": "PK",
    "bangladesh": "BD", "sri lanka": "LK", "nepal": "NP", "china": "CN", "japan": "JP",
    "south korea": "KR", "korea": "KR", "taiwan": "TW", "hong kong": "HK", "singapore": "SG",
    "malaysia": "MY", "indonesia": "ID", "philippines": "PH", "vietnam": "VN", "thailand": "TH",
    "australia": "AU", "new zealand": "NZ", "united arab emirates": "AE", "uae": "AE",
    "saudi arabia": "SA", "qatar": "QA", "iran": "IR", "lebanon": "LB", "jordan": "JO",
    "estonia": "EE", "latvia": "LV", "lithuania": "LT", "serbia": "RS", "croatia": "HR",
    "slovenia": "SI", "slovakia": "SK", "luxembourg": "LU", "iceland": "IS",
}  # fmt: skip
# Two-letter codes printed after a city ("Paris, FR"); US state codes are regions, not countries.
COUNTRY_CODES = {code for code in COUNTRIES.values()}
US_STATES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
    "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
    "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC",
}  # fmt: skip
_US_STATE_NAMES = {
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa",
    "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan",
    "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
    "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
    "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota",
    "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia",
    "wisconsin", "wyoming", "district of columbia",
}  # fmt: skip
# Regions printed after a city: US states and Canadian provinces by name and code, etc.
REGIONS = {
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa",
    "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan",
    "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
    "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
    "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota",
    "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia",
    "wisconsin", "wyoming", "district of columbia", "alberta", "british columbia", "manitoba",
    "new brunswick", "newfoundland", "nova scotia", "ontario", "quebec", "québec",
    "saskatchewan", "ab", "bc", "mb", "nb", "nl", "ns", "on", "qc", "sk", "pe", "yt", "nt",
    "nu", "new south wales", "victoria", "queensland", "tasmania", "bavaria", "catalonia",
    "ile-de-france", "île-de-france", "remote",
}  # fmt: skip
_NAME_PARTICLES = {
    "van",
    "von",
    "de",
    "da",
    "del",
    "der",
    "den",
    "la",
    "le",
    "di",
    "du",
    "bin",
    "al",
    "el",
    "y",
    "dos",
}
_NAME_WORD_RE = re.compile(r"^[^\W\d_][^\W\d_'\u2019.\-]*(?:[-'\u2019][^\W\d_]+)*\.?$")


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    country: str


_EMAIL_START_RE = re.compile(r"[\w.+-]+@[\w.-]*")
_EMAIL_TAIL_RE = re.compile(r"[.a-z][a-z0-9.-]{0,20}(?=[\t ]|$)")
_COMPLETE_TLDS = {
    "com", "org", "net", "edu", "gov", "io", "me", "dev", "ai", "app", "info", "biz", "us",
    "uk", "de", "fr", "ca", "au", "in", "cn", "jp", "nl", "es", "it", "se", "ch", "eu", "be",
}  # fmt: skip


def _email_in_line(line: str, next_line: str) -> str:
    """An address in `line`, rejoined when a narrow column broke it: "jane@gmail.co" / "m"."""
    for m in _EMAIL_START_RE.finditer(line):
        head = m.group(0)
        cell_ends = line[m.end() :].startswith("\t") or not line[m.end() :].strip()
        tail = _EMAIL_TAIL_RE.match(next_line.lstrip())
        if cell_ends and tail:
            joined = head + tail.group(0)
            tld = head.rsplit(".", 1)[-1] if "." in head.split("@")[1] else ""
            broken = not EMAIL_RE.fullmatch(head) or tld not in _COMPLETE_TLDS
            if broken and EMAIL_RE.fullmatch(joined):
                return joined
        if EMAIL_RE.fullmatch(head.rstrip(".")):
            return head.rstrip(".")
    return ""


def find_email(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "@" in line:
            found = _email_in_line(line, lines[i + 1] if i + 1 < len(lines) else "")
            if found:
                return found
    return ""


# Dates that phone matchers take for numbers: "2019 - 2021", "05.2019", "2019-03-15".
_DATE_LIKE_RE = re.compile(
    r"^(19|20)\d{2}\s*[-\u2013.]\s*((19|20)\d{2}|\d{1,2})\b|^\d{1,2}[.-](19|20)\d{2}\b"
)


def find_phone(text: str, region: str = "US") -> tuple[str, str]:
    """(phone as printed, E.164) of the first plausible phone number."""
    for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        raw = m.raw_string.strip()
        digits = re.sub(r"\D", "", raw)
        if (
            len(digits) < (7 if raw.startswith("+") else 9)
            or "/" in raw
            or _DATE_LIKE_RE.search(raw)
        ):
            continue
        e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        return m.raw_string.strip(), e164
    return "", ""


def clean_url(raw: str) -> str:
    return raw.rstrip(".,;:)]}>")


_OCR_URL_FIXES = (
    (re.compile(r"\.(?:10|1o|i0|l0|lo)(?=/|$)"), ".io"),  # "github.10" is "github.io"
    (re.compile(r"\.(?:corn|conV|comV|con)(?=/|$)|\.(?:conV|comV|corn)"), ".com"),
    (re.compile(r"^(https?://)[I|](?=[a-z])"), r"\1"),  # "https://Inick.smits.net"
)


def _ocr_repaired(url: str) -> str:
    """Undo the usual OCR misreadings in a link's host; a correct link is left alone."""
    for pattern, replacement in _OCR_URL_FIXES:
        url = pattern.sub(replacement, url)
    return url


def find_urls(text: str) -> list[str]:
    """Web links, deduplicated by their host and path (a link printed twice is one link)."""
    emails = {m.group(0).lower() for m in EMAIL_RE.finditer(text)}
    seen: set[str] = set()
    urls: list[str] = []
    for m in URL_RE.finditer(text):
        url = _ocr_repaired(clean_url(m.group(0)))
        if any(url.lower() in e for e in emails):
            continue
        if "/" not in url and _NOT_URL_RE.search(url) and not url.lower().startswith("www."):
            continue
        key = re.sub(r"^(https?://)?(www\.)?", "", url.lower()).rstrip("/")
        if key in seen or "." not in key:
            continue
        seen.add(key)
        urls.append(url)
    return urls


def looks_like_name(line: str) -> bool:
    # A nickname in parentheses is part of a name: "Fang (Jason) Wan".
    words = [w.strip("()") for w in line.strip().split()]
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in line) or "@" in line:
        return False
    capitalised = 0
    for word in words:
        if word.lower() in _NAME_PARTICLES:
            continue
        if not _NAME_WORD_RE.match(word) or not word[0].isupper():
            return False
        capitalised += 1
    return capitalised >= 2


def find_name(lines: list[str]) -> str:
    for line in lines[:8]:
        if any(heading_of(cell) for cell in line.split("\t")):
            continue
        candidate = re.sub(r"\s+", " ", line).strip(" |·•,-\u2013\u2014_")
        if looks_like_name(candidate):
            return candidate
    return ""


def _country_of(text: str) -> str:
    t = text.strip(" ()[].,").lower()
    if t in COUNTRIES:
        return text.strip(" ()[].,")
    return ""


def _is_city(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 3 and all(
        w[:1].isupper() and not any(c.isdigit() for c in w) for w in words
    )


def _trailing_code(words: list[str]) -> bool:
    """Whether the last word is a country code closing a place ("Shenzhen, Guangdong CN"). A
    code that is also a US state ("CA", "IN", "DE") counts only after a region outside the US
    ("Ottawa Ontario CA"); "San Jose CA" stays a city in California."""
    if len(words) < 2 or words[-1] not in COUNTRY_CODES:
        return False
    if words[-1] not in US_STATES:
        return True
    return words[-2].lower() in REGIONS - _US_STATE_NAMES


def _postal_tail(part: str) -> bool:
    """Whether a part ends in words after a postal code ("Alabama AL 35171 US", "CA 94381")."""
    words = part.split()
    return len(words) >= 2 and not any(ch.isdigit() for ch in words[0])


def _place_of(line: str) -> Place | None:
    """City, region and country from one "Street, City, Region (Country)"-like line."""
    line = re.sub(r"^(location|address|city|based in)\s*[:\-]?\s*", "", line, flags=re.IGNORECASE)
    country = region = ""
    paren = re.search(r"\(([^()]+)\)\s*$", line)
    code = paren.group(1).strip() if paren else ""
    if paren and (_country_of(code) or (len(code) == 2 and code in COUNTRY_CODES)):
        # "Ottawa, Ontario (CA)": a code in parentheses after the place is the country.
        country = code
        line = line[: paren.start()]
    parts = [p.strip() for p in re.split(r"\s*[,·|\t]\s*", line) if p.strip()]
    # A postal code goes ("Alabama AL 35171 US"), the rest of its part stays; a part of
    # digits and words (a street: "718 Peterson Lake") goes whole.
    parts = [
        " ".join(w for w in p.split() if not any(ch.isdigit() for ch in w))
        if _postal_tail(p)
        else p
        for p in parts
    ]
    parts = [p for p in parts if p and not any(ch.isdigit() for ch in p)]
    if parts and not country and parts[-1] in US_STATES:
        pass  # "Phoenix, AZ": a state, not a country code
    elif parts and not country and _country_of(parts[-1]):
        country = _country_of(parts.pop())
    elif len(parts) >= 2 and not country and parts[-1] in COUNTRY_CODES:
        country = parts.pop()  # "Paris, FR" (US state codes were taken above)
    elif parts and not country:
        # "Montreal, Quebec Canada": the country closes the last part.
        words = parts[-1].split()
        for size in (3, 2, 1):
            if len(words) > size and _country_of(" ".join(words[-size:])):
                country = _country_of(" ".join(words[-size:]))
                parts[-1] = " ".join(words[:-size])
                break
        else:
            if _trailing_code(words):  # "Shenzhen, Guangdong CN": the code closes a region
                country, parts[-1] = words[-1], " ".join(words[:-1])
                if len(parts) >= 2:
                    region = parts.pop()
    words = parts[-1].split() if parts else []
    if len(words) >= 2 and words[-1] in US_STATES and " ".join(words[:-1]).lower() in REGIONS:
        parts[-1] = " ".join(words[:-1])  # "Alabama AL": the state with its code
    if not region and parts and (parts[-1].lower() in REGIONS or parts[-1] in US_STATES):
        region = parts.pop()
    words = parts[-1].split() if parts else []
    if not region and country and len(words) >= 2 and words[-1].lower() in REGIONS:
        region, parts[-1] = words[-1], " ".join(words[:-1])  # "Ottawa Ontario, Canada"
    if len(parts) == 1 and not region and not country:
        # "Cincinnati USA": a country written after the city without a comma.
        words = parts[0].split()
        if _trailing_code(words) and _is_city(" ".join(words[:-1])):
            head, code = words[:-1], words[-1]
            if len(head) >= 2 and head[-1].lower() in REGIONS:  # "Ottawa Ontario CA"
                return Place(city=" ".join(head[:-1]), region=head[-1], country=code)
            return Place(city=" ".join(head), region="", country=code)
        for size in (3, 2, 1):
            head, tail = " ".join(words[:-size]), " ".join(words[-size:])
            if len(words) > size and _country_of(tail) and _is_city(head):
                city, _, region = head.rpartition(" ")
                if city and region.lower() in REGIONS:  # "Ottawa Ontario CA"
                    return Place(city=city, region=region, country=_country_of(tail))
                return Place(city=head, region="", country=_country_of(tail))
        return None
    city = parts[-1] if parts and _is_city(parts[-1]) else ""
    if not (region or country) or (not city and not country):
        return None
    return Place(city=city, region=region, country=country)


def find_place(lines: list[str]) -> Place | None:
    """The first line among `lines` that reads as a place."""
    for raw in lines:
        line = raw.strip()
        if "@" in line or "http" in line or len(line) > 90 or not line:
            continue
        place = _place_of(line)
        if place:
            return place
    return None
