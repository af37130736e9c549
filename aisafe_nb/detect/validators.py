"""Checks that turn pattern matches into findings: checksums, entropy, number rules.

Each validator takes the matched value and returns True when it is a real instance.
They are plain functions registered by name so rule files can refer to them.
"""

from __future__ import annotations

import ipaddress
import math
import re
import string
import zlib
from collections import Counter
from collections.abc import Callable
from functools import cache, lru_cache

Validator = Callable[[str], bool]

VALIDATORS: dict[str, Validator] = {}


def register(name: str) -> Callable[[Validator], Validator]:
    """Register a validator under `name` for use in rule files."""

    def decorate(fn: Validator) -> Validator:
        VALIDATORS[name] = fn
        return fn

    return decorate


@lru_cache(maxsize=4096)
def shannon_entropy(value: str) -> float:
    """Bits per character of `value` (0 for empty strings).

    Cached: one key is often matched by several rules (its provider's, a generic one, an
    assignment), each asking for its entropy.
    """
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


_NOT_DIGIT = re.compile(r"[^0-9]")


def digits_of(value: str) -> str:
    """The ASCII digits of `value` (the rules' patterns match ``[0-9]``, never ``\\d``).

    One C-level substitution: a generator over the characters measured ~3x slower, and
    validators run on every candidate phone, card and SSN.
    """
    return _NOT_DIGIT.sub("", value)


#: Each digit doubled, with 9 subtracted when that passes 9: the Luhn step, as characters.
_LUHN_DOUBLE = str.maketrans(
    "".join(str(d) for d in range(10)),
    "".join(str(2 * d - 9 if d > 4 else 2 * d) for d in range(10)),
)


@register("luhn")
def luhn(value: str) -> bool:
    """Payment card checksum over the digits of `value`."""
    digits = digits_of(value)
    if len(digits) < 12:
        return False
    rev = digits[::-1]
    total = sum(map(int, rev[0::2])) + sum(map(int, rev[1::2].translate(_LUHN_DOUBLE)))
    return total % 10 == 0


#: GitHub's base62 digits, in value order.
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def github_checksum(body: str) -> str:
    """The six base62 characters GitHub appends to a classic token's 30-character body:
    the body's CRC32, zero-padded (github.blog, 2021-04-05, "new authentication token
    formats"). Used by `github_token` below, and by the demo and the benchmark corpus to
    make look-alike tokens."""
    n = zlib.crc32(body.encode("ascii"))
    digits = ""
    while n:
        n, d = divmod(n, 62)
        digits = _BASE62[d] + digits
    return digits.rjust(6, "0")


@register("github_token")
def github_token(value: str) -> bool:
    """A classic token (``ghp_`` + 30 + 6) whose last six characters are its checksum.

    Every token GitHub issues carries it, so a value without it is a look-alike (a typed
    example, a truncated or edited token), as GitHub's own secret scanning judges it.
    """
    prefix, _, rest = value.partition("_")
    if len(prefix) != 3 or len(rest) != 36 or not rest.isascii() or not rest.isalnum():
        return False
    return github_checksum(rest[:30]) == rest[30:]


# ---------------------------------------------------------------- placeholders

#: Substrings that mark a value as a placeholder, a mask or our own redaction marker.
_PLACEHOLDER_MARKERS = (
    "xxxx",
    "your",
    "example",
    "placeholder",
    "replace",
    "changeme",
    "change_me",
    "dummy",
    "sample",
    "insert",
    "redacted",
    "...",
    "…",
    "****",
    "<",
    ">",
    "${",
    "{{",
    "%(",
    "$(",
    "fake",
    "secret_here",
    "key_here",
    "token_here",
    "_here",
    "todo",
    "notreal",
    "not_real",
    "not-real",
    "my_key",
    "my-key",
    "mykey",
    "api_key",
    "apikey",
    "0123456789",
    "123456789",
    "abcdefgh",
    "qwerty",
)


_LONG_MARKERS = ("xxxxxxxx", "<", ">", "${", "{{", "...", "…", "****", "redacted", "example")


@lru_cache(maxsize=4096)
def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret: ``sk-...``, ``YOUR_API_KEY``, masks.

    Cached, as `shannon_entropy` is: several rules ask about the same value.
    """
    lowered = value.lower()
    if len(value) > 100:
        # Long blobs (PEM bodies, session tokens) legitimately contain runs like "AAAAAA" and,
        # by chance, short words; only unmistakable markers count there.
        return any(m in lowered for m in _LONG_MARKERS)
    if any(m in lowered for m in _PLACEHOLDER_MARKERS):
        return True
    if lowered in ("empty", "none", "null", "dummy", "test", "secret", "password", "token", "nil"):
        return True
    return _has_run(value, 6)


@cache
def _run_pattern(length: int) -> re.Pattern[str]:
    return re.compile(rf"(.)\1{{{length - 1}}}", re.DOTALL)


def _has_run(value: str, length: int) -> bool:
    """Whether one character repeats `length` times in a row (``aaaaaa``, ``000000``).

    A regex search, not a loop in Python: keys are long and checked by several rules.
    """
    return _run_pattern(length).search(value) is not None


# ---------------------------------------------------------------- character classes


@register("mixed_alnum")
def mixed_alnum(value: str) -> bool:
    """Random keys mix letters and digits; words and numbers alone are not keys."""
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


@register("mixed_case")
def mixed_case(value: str) -> bool:
    """Random keys mix upper- and lower-case letters."""
    return any(c.isupper() for c in value) and any(c.islower() for c in value)


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_WORDISH = re.compile(r"[a-z][a-z0-9]*(?:[-_.:/][a-z0-9]+)*")
_VERSIONISH = re.compile(r"v?\d+(?:[._-]\d+)+[a-z0-9.-]*")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]+")


_ID_SEPARATORS = re.compile(r"[-_/.:@]")


def _looks_like_identifier(value: str) -> bool:
    """Model ids, paths and slugs (``meta-llama/Llama-3-8B``): many short, plain parts.

    Random keys split on these separators give few, long, mixed-character parts.
    """
    parts = [p for p in _ID_SEPARATORS.split(value) if p]
    if len(parts) < 3 or any(len(p) > 12 for p in parts):
        return False
    plain = sum(1 for p in parts if p.isalpha() or p.isdigit() or (p.islower() and len(p) <= 4))
    return plain * 2 >= len(parts)


def _random_lower_alnum(value: str) -> bool:
    """Lower-case hex or base36 keys (Azure, W&B, Twilio tokens) look "wordish" to the
    identifier check; they have no separators and many digits, which words do not."""
    if not value.isalnum():
        return False
    return sum(c.isdigit() for c in value) * 4 >= len(value)


@register("generic_secret")
def generic_secret(value: str) -> bool:
    """A literal assigned to a key/token/secret name that looks random, not like a name.

    Rejects UUIDs (request ids), model names and other kebab/snake words, versions, URLs,
    paths, environment variable names and anything with template syntax.
    """
    if is_placeholder(value) or not mixed_alnum(value):
        return False
    if "://" in value or value.startswith(("/", "./", "~", "http")) or "\\" in value:
        return False
    if _UUID.fullmatch(value) or _VERSIONISH.fullmatch(value):
        return False
    if _WORDISH.fullmatch(value) and not _random_lower_alnum(value):
        return False
    if _ENV_NAME.fullmatch(value) or _looks_like_identifier(value):
        return False
    return not any(c in value for c in "{}$[] ") and "%(" not in value


_WEAK_PASSWORDS = frozenset(
    (
        "password",
        "passwd",
        "changeme",
        "secret",
        "admin",
        "root",
        "pass",
        "test",
        "guest",
        "postgres",
        "mysql",
        "user",
        "default",
        "letmein",
        "qwerty",
    )
)


@register("password")
def password(value: str) -> bool:
    """A literal password: anything but a placeholder, template or dictionary default."""
    if is_placeholder(value) or value.lower() in _WEAK_PASSWORDS:
        return False
    if value[:1] in "${*" or "{" in value or "%(" in value or "%s" in value:
        return False
    return not (value.isalpha() and value.islower())


@register("jwt")
def jwt(value: str) -> bool:
    """The header segment decodes to JSON with an ``alg`` (rules out look-alike strings)."""
    import base64
    import json

    head = value.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


# ---------------------------------------------------------------- structured personal data

_DOC_EMAIL_DOMAINS = frozenset(
    (
        "example.com",
        "example.org",
        "example.net",
        "test.com",
        "domain.com",
        "email.com",
        "company.com",
        "yourcompany.com",
        "yourdomain.com",
        "mail.com",
        "foo.com",
        "bar.com",
        "acme.com",
        "users.noreply.github.com",
        "noreply.github.com",
        "localhost.localdomain",
        "gserviceaccount.com",
        "developer.gserviceaccount.com",
        "host.com",
        "domain.tld",
        "server.com",
    )
)
_DOC_EMAIL_TLDS = frozenset(
    (
        "example",
        "test",
        "invalid",
        "localhost",
        "local",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "js",
        "css",
        "py",
        "ipynb",
        "md",
        "txt",
        "json",
        "lock",
        "whl",
        "tar",
        "gz",
    )
)
_DOC_EMAIL_LOCALS = frozenset(
    (
        "git",
        "noreply",
        "no-reply",
        "user",
        "username",
        "name",
        "you",
        "your.name",
        "yourname",
        "someone",
        "somebody",
        "email",
        "me",
        "first.last",
        "firstname.lastname",
        "test",
        "foo",
        "info",
        "admin",
        "example",
        "password",
        "pass",
        "user.name",
    )
)


#: ".example.com" and the like: subdomains of the documentation domains (one C call).
_DOC_EMAIL_SUBDOMAINS = tuple("." + d for d in sorted(_DOC_EMAIL_DOMAINS))


@register("email")
def email(value: str) -> bool:
    """A personal email: not a documentation domain, an image asset (``logo@2x.png``) or git."""
    local, _, domain = value.lower().rpartition("@")
    if domain in _DOC_EMAIL_DOMAINS or local in _DOC_EMAIL_LOCALS:
        return False
    if domain.endswith(_DOC_EMAIL_SUBDOMAINS):
        return False
    return domain.rsplit(".", 1)[-1] not in _DOC_EMAIL_TLDS


_FICTIONAL_PHONE = re.compile(r"555[ .-]?01\d\d$")
_PLACEHOLDER_PHONES = frozenset(("1234567890", "0123456789", "9876543210"))


@register("phone_formatted")
def phone_formatted(value: str) -> bool:
    """A North American number written as one: ``(NNN) NNN-NNNN``, ``NNN-NNN-NNNN``.

    Only placeholder digit runs are rejected: `phonenumbers` would also reject unassigned
    and fictional ranges, but in a prompt those are still someone's way of writing a phone.
    """
    digits = digits_of(value)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return len(digits) == 10 and not _has_run(digits, 5) and digits not in _PLACEHOLDER_PHONES


@register("phone")
def phone(value: str) -> bool:
    """A number `phonenumbers` calls valid (US when no ``+`` country code is given)."""
    digits = digits_of(value)
    if not 7 <= len(digits) <= 15 or _has_run(digits, 5):
        return False
    if _FICTIONAL_PHONE.search(digits):
        return False
    stripped = value.strip()
    if not stripped.startswith("+") and not (10 <= len(digits) <= 11):
        return False  # national numbers without a country code: only US-length ones
    import phonenumbers  # lazy: its metadata is only loaded when a candidate appears

    try:
        parsed = phonenumbers.parse(stripped, None if stripped.startswith("+") else "US")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(parsed))


_PHONE_EXTENSION = re.compile(r"(?:[ ]?(?:ext\.?|extension)[ ]?|[ ]?x)[0-9]+$")
_SSN_SHAPE = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}")
_PHONE_SEPARATORS = re.compile(r"[ .-]")
_NATIONAL_GROUPINGS = frozenset(((3, 3, 4), (1, 3, 3, 4), (2, 4, 4), (2, 5, 4)))
_ISO_DATE_START = re.compile(r"[12][0-9]{3}[-.][01][0-9][-.][0-3][0-9]")


@register("phone_written")
def phone_written(value: str) -> bool:
    """A phone number in any country's written form, judged by its shape, not by a registry.

    Why not `phonenumbers` here: prompts hold numbers from unassigned or fictional ranges
    and national numbers of any country; they are still someone's phone, and scrubbing a
    look-alike costs one placeholder. The shape needs a prefix (``+CC``, ``00CC``, a trunk
    ``0``, an area code in brackets), an extension, or a phone's length with separators.
    Decimals (one dot), SSN shapes, zero-padded ids and timestamps (bare, starting with 1)
    are rejected.
    """
    core = _PHONE_EXTENSION.sub("", value)
    has_ext = len(core) != len(value)
    digits = digits_of(core)
    n = len(digits)
    if n < 8 or n > 15 or _has_run(digits, 6) or digits in _PLACEHOLDER_PHONES:
        return False
    if core[0] == "+":
        return n >= 10  # country code plus a national number: 10 digits or more
    if _ISO_DATE_START.match(core):
        return False
    dots = core.count(".")
    if dots == 1 or _SSN_SHAPE.fullmatch(core):
        return False
    seps = core.count(" ") + dots + core.count("-")
    if core[0] == "(":
        return n <= 12
    if core.startswith("00"):
        return n >= 10 and not core.startswith("000")
    if core[0] == "0":
        # nine digits only when grouped: bare nine-digit runs are zero-padded ids
        return 10 <= n <= 11 or (n == 9 and seps > 0)
    if seps >= 2:
        # Grouped like a North American (3-3-4, 1-3-3-4) or Brazilian (2-4-4, 2-5-4) number;
        # other groupings without a prefix are thousands (2 345 678) or hex dumps (46 02 01).
        groups = tuple(len(grp) for grp in _PHONE_SEPARATORS.split(core))
        return groups in _NATIONAL_GROUPINGS
    if has_ext:
        return n == 10 or (n == 11 and digits[0] == "1")
    return False  # a bare digit run: rule phone-number-bare decides, by its context


@register("phone_bare")
def phone_bare(value: str) -> bool:
    """Ten bare digits in a real US, Indian or Italian (mobile) numbering range.

    The rule asks for phone context nearby as well (a "phone" column, "call", an email on
    the line): code is full of ten-digit constants in valid ranges (INT32_MAX, 2**33).
    """
    if len(value) != 10 or not value.isdigit() or value[0] == "1":
        return False
    return value not in _PLACEHOLDER_PHONES and _valid_bare_phone(value)


#: Countries whose numbers are often written as ten bare digits (no trunk 0).
_BARE_PHONE_REGIONS = ("US", "IN", "IT")


def _valid_bare_phone(digits: str) -> bool:
    """A bare ten-digit run is a phone only in a real US, Indian or Italian (mobile)
    numbering range: most bare ten-digit numbers in notebooks are ids, counts or
    constants (4294967295)."""
    import phonenumbers  # lazy: its metadata is only loaded when a candidate appears

    return any(
        phonenumbers.is_valid_number(phonenumbers.parse(digits, region))
        for region in _BARE_PHONE_REGIONS
    )


def _card_brand_ok(d: str) -> bool:
    n = len(d)
    two, three, four, six = int(d[:2]), int(d[:3]), int(d[:4]), int(d[:6])
    if d[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16  # Mastercard
    if two in (34, 37):
        return n == 15  # American Express
    if four == 6011 or two == 65 or 644 <= three <= 649 or 622126 <= six <= 622925:
        return 16 <= n <= 19  # Discover
    if 300 <= three <= 305 or two in (36, 38, 39):
        return 14 <= n <= 19  # Diners Club
    if 3500 <= four <= 3599:
        return 16 <= n <= 19  # JCB (3528-3589 assigned; generators and test data use all 35xx)
    if four in (1800, 2131):
        return n == 15  # JCB, older 15-digit numbers
    if two == 62:
        return 16 <= n <= 19  # UnionPay
    if two in (50, 56, 57, 58) or d[:2] in ("63", "67") or four == 604:
        return 12 <= n <= 19  # Maestro (0604: in older IIN tables, and generated by Faker)
    return False


@register("credit_card")
def credit_card(value: str) -> bool:
    """Luhn checksum plus a real brand prefix and length; all-same digits rejected."""
    d = digits_of(value)
    # Well-known test numbers (Visa's 4111… test card) are still card numbers in a prompt or a
    # notebook: only all-same-digit runs are rejected.
    if not 12 <= len(d) <= 19 or len(set(d)) < 2:
        return False
    return _card_brand_ok(d) and luhn(d)


#: SSNs published as examples or used as placeholders.
_PLACEHOLDER_SSNS = frozenset(("123456789", "078051120", "219099999", "987654320", "012345678"))


@register("ssn")
def ssn(value: str) -> bool:
    """US SSN rules: area 001-899 except 666, group 01-99, serial 0001-9999; no placeholders."""
    d = digits_of(value)
    if len(d) != 9 or d in _PLACEHOLDER_SSNS or len(set(d)) == 1:
        return False
    area, group, serial = int(d[:3]), int(d[3:5]), int(d[5:])
    return 0 < area < 900 and area != 666 and group > 0 and serial > 0


_IBAN_LENGTHS = {
    "AD": 24,
    "AE": 23,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BR": 29,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MT": 31,
    "MU": 30,
    "NL": 18,
    "NO": 15,
    "PK": 24,
    "PL": 28,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "SA": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "TN": 24,
    "TR": 26,
    "UA": 29,
}


@register("iban")
def iban(value: str) -> bool:
    """IBAN: known country, that country's length, and the ISO 13616 mod-97 check."""
    compact = value.replace(" ", "").upper()
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
    except ValueError:
        return False


_WELL_KNOWN_RESOLVERS = frozenset(
    (
        "8.8.8.8",
        "8.8.4.4",
        "1.1.1.1",
        "1.0.0.1",
        "9.9.9.9",
        "149.112.112.112",
        "208.67.222.222",
        "208.67.220.220",
        "2001:4860:4860::8888",
        "2001:4860:4860::8844",
        "2606:4700:4700::1111",
    )
)


@register("public_ip")
def public_ip(value: str) -> bool:
    """A globally routable address: not private, loopback, RFC 5737/3849 documentation, a
    public DNS resolver everybody quotes, or a version string like ``1.2.3.4``."""
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    if value in _WELL_KNOWN_RESOLVERS or not ip.is_global or ip.is_multicast:
        return False
    if ip.version == 4:
        octets = [int(p) for p in value.split(".")]
        if all(o < 10 for o in octets) or octets[-1] == 0:
            return False
        return not any(ip in net for net in _doc_v4())
    # Global unicast is 2000::/3; anything else that parses ("a:b::c") is not an address
    # a person would have.
    return (
        ip in _GLOBAL_UNICAST_V6
        and ip not in ipaddress.ip_network("2001:db8::/32")
        and value.count(":") >= 3
    )


@cache
def _doc_v4() -> tuple[ipaddress.IPv4Network, ...]:
    return tuple(
        ipaddress.IPv4Network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
    )


_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@register("birth_date")
def birth_date(value: str) -> bool:
    """A plausible calendar date with a year between 1900 and 2030 (or two digits)."""
    nums = [int(n) for n in re.findall(r"\d+", value)]
    lowered = value.lower()
    month_word = next((i + 1 for i, m in enumerate(_MONTHS) if m in lowered), None)
    if month_word is not None:
        if len(nums) != 2:
            return False
        day, year = nums
        return 1 <= day <= 31 and 1900 <= year <= 2030
    if len(nums) != 3:
        return False
    if nums[0] > 31:  # ISO: year-month-day
        year, month, day = nums
    else:
        a, b, year = nums
        month, day = (a, b) if a <= 12 else (b, a)
    if year < 100:
        year += 1900
    return 1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2030


# ---------------------------------------------------------------- person names


@register("name_context")
def name_context(value: str) -> bool:
    """After a salutation, honorific or signature."""
    from aisafe_nb.detect.names import is_name_after_strong_context

    return is_name_after_strong_context(value)


@register("name_field")
def name_field(value: str) -> bool:
    """In a ``name:`` / ``"author":`` field."""
    from aisafe_nb.detect.names import is_name_in_field

    return is_name_in_field(value)


@register("name_introduced")
def name_introduced(value: str) -> bool:
    """After a weak context word ("from", "by", "my name is")."""
    from aisafe_nb.detect.names import is_name_after_weak_context

    return is_name_after_weak_context(value)


@register("name_pair")
def name_pair(value: str) -> bool:
    """A bare "First Last" with both parts in the census lists."""
    from aisafe_nb.detect.names import is_full_name

    return is_full_name(value)


@register("name_triple")
def name_triple(value: str) -> bool:
    """Three words: listed first name, listed first name or surname, listed surname."""
    from aisafe_nb.detect.names import is_triple_name

    return is_triple_name(value)


@register("street_suffixed")
def street_suffixed(value: str) -> bool:
    """Not an English -ing word ("Offering 2", "Keyring 3"): those end in "ring" too, so a
    street written as one word with "ring" needs a listed name before it."""
    word = value.split()[0].lower()
    if not word.endswith("ring") or "-" in word:
        return True
    from aisafe_nb.detect.names import is_listed_name

    stem = word[:-4]  # "Willemring": a name + ring; "Offering", "Keyring" are not
    return len(stem) >= 4 and is_listed_name(stem)


_PLACEHOLDER_ZIPS = frozenset(("00000", "12345", "99999"))


@register("city_state_zip")
def city_state_zip(value: str) -> bool:
    """A "<City>, <ST> <zip>" line, but not the template itself (City, ST, 12345)."""
    city, _, rest = value.partition(",")
    parts = rest.split()
    return (
        city.strip().lower() not in ("city", "town", "anytown")
        and parts[0] not in ("ST", "XX")
        and parts[1][:5] not in _PLACEHOLDER_ZIPS
    )
