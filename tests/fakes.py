"""Fake credentials and personal data, built at run time for every test in the repository.

Why this module exists: the repository must scan clean with ``aisafe-nb scan .``, so no
file may hold a credential-shaped string literally. Every builder here assembles its value
from parts when called. Values are deterministic for a given `seed` (so failures reproduce)
and differ between seeds (so tests do not over-fit one string).

Usage from any test (``tests`` is a package)::

    from tests.fakes import openai_key, email, credit_card

    key = openai_key()                  # sk-proj-...
    text = f'client = OpenAI(api_key="{key}")'

Every value is fake: cards pass Luhn but use test ranges, SSNs pass the area/group/serial
rules, IBANs pass mod-97, emails and names are invented combinations. None identifies a
real account or person.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import string

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"


def _rng(seed: int) -> random.Random:
    return random.Random(f"aisafe-fakes/{seed}")


def _rand(chars: str, n: int, seed: int, salt: str = "") -> str:
    """`n` random characters from `chars`, seeded; always mixed (digits and letters)."""
    r = random.Random(f"aisafe-fakes/{seed}/{salt}/{n}")
    out = "".join(r.choice(chars) for _ in range(n))
    if chars == ALNUM and n >= 8:
        # Guarantee both classes so entropy checks see a realistic key.
        out = (
            out[:-3]
            + r.choice(string.digits)
            + r.choice(string.ascii_uppercase)
            + r.choice(string.ascii_lowercase)
        )
    return out


# --------------------------------------------------------------------------- secrets


def openai_key(seed: int = 0, variant: str = "proj") -> str:
    """OpenAI key. `variant`: ``proj`` | ``svcacct`` | ``admin`` | ``legacy`` (``sk-`` + 48)."""
    if variant == "legacy":
        body = _rand(ALNUM, 20, seed, "oa1") + "T3Blbk" + "FJ" + _rand(ALNUM, 20, seed, "oa2")
        return "sk" + "-" + body
    return "sk" + "-" + variant + "-" + _rand(ALNUM + "-_", 56, seed, "oa") + _rand(ALNUM, 8, seed)


def anthropic_key(seed: int = 0) -> str:
    """Anthropic API key: ``sk-ant-api03-`` + 93 url-safe chars + ``AA``."""
    return "sk" + "-ant-" + "api03-" + _rand(B64URL, 93, seed, "ant") + "AA"


def google_api_key(seed: int = 0) -> str:
    """Google API key: ``AIza`` + 35 url-safe chars."""
    return "AI" + "za" + _rand(ALNUM, 33, seed, "gk") + "_-"[seed % 2] + _rand(ALNUM, 1, seed)


def google_oauth_token(seed: int = 0) -> str:
    """Google OAuth access token: ``ya29.`` + url-safe chars."""
    return "ya" + "29." + _rand(B64URL, 120, seed, "ya29")


def azure_openai_key(seed: int = 0) -> str:
    """Azure OpenAI key: 32 lower-case hex chars (only detectable by context)."""
    return _rand(HEX, 32, seed, "az")


def aws_access_key_id(seed: int = 0) -> str:
    """AWS access key id: ``AKIA`` + 16 upper-case/digit chars."""
    return "AK" + "IA" + _rand(string.ascii_uppercase + "234567", 16, seed, "akia")


def aws_secret_access_key(seed: int = 0) -> str:
    """AWS secret access key: 40 base64 chars (only detectable by context)."""
    return _rand(ALNUM + "/+", 38, seed, "aws") + _rand(ALNUM, 2, seed)


def aws_session_token(seed: int = 0) -> str:
    """AWS session token: ``FwoGZXIvYXdzE`` / ``IQoJb3JpZ2luX2Vj`` + long base64."""
    prefix = ("IQoJb3Jp" + "Z2luX2Vj") if seed % 2 else ("FwoGZXIv" + "YXdzE")
    return prefix + _rand(ALNUM + "/+", 300, seed, "sess")


def _base62(n: int) -> str:
    out = ""
    while n:
        n, d = divmod(n, 62)
        out = (string.digits + string.ascii_uppercase + string.ascii_lowercase)[d] + out
    return out.rjust(6, "0")


def github_token(seed: int = 0, prefix: str = "ghp") -> str:
    """GitHub classic token (``ghp_``/``gho_``/``ghu_``/``ghs_``/``ghr_``), with CRC32 checksum."""
    body = _rand(ALNUM, 30, seed, "gh" + prefix)
    return prefix + "_" + body + _base62(binascii.crc32(body.encode()))


def github_fine_grained(seed: int = 0) -> str:
    """GitHub fine-grained token: ``github_pat_`` + 22 + ``_`` + 59."""
    return "github" + "_pat_" + _rand(ALNUM, 22, seed, "fg1") + "_" + _rand(ALNUM, 59, seed, "fg2")


def gitlab_token(seed: int = 0) -> str:
    """GitLab personal access token: ``glpat-`` + 20 chars."""
    return "gl" + "pat-" + _rand(ALNUM + "_-", 18, seed, "gl") + _rand(ALNUM, 2, seed)


def slack_token(seed: int = 0, prefix: str = "xoxb") -> str:
    """Slack token (``xoxb``/``xoxp``/``xoxa``/``xoxs``): ids and a 24-32 char secret."""
    r = _rng(seed)
    nums = "-".join(str(r.randrange(10**10, 10**12)) for _ in range(2))
    return prefix + "-" + nums + "-" + _rand(ALNUM, 24, seed, "slack")


def slack_webhook(seed: int = 0) -> str:
    """Slack incoming webhook URL."""
    return (
        "https://hooks."
        + "slack.com/services/T"
        + _rand(string.ascii_uppercase + string.digits, 8, seed, "t")
        + "/B"
        + _rand(string.ascii_uppercase + string.digits, 10, seed, "b")
        + "/"
        + _rand(ALNUM, 24, seed, "w")
    )


def stripe_key(seed: int = 0, prefix: str = "sk_live_") -> str:
    """Stripe secret (``sk_live_``) or restricted (``rk_live_``) key."""
    return prefix + _rand(ALNUM, 99 if seed % 2 else 24, seed, "stripe")


def stripe_publishable(seed: int = 0) -> str:
    """Stripe publishable key (``pk_live_``): public by design, must NOT be flagged."""
    return "pk" + "_live_" + _rand(ALNUM, 24, seed, "pk")


def huggingface_token(seed: int = 0) -> str:
    """Hugging Face token: ``hf_`` + 34 letters."""
    return "hf" + "_" + _rand(string.ascii_letters, 34, seed, "hf")


def twilio_key(seed: int = 0) -> str:
    """Twilio API key sid: ``SK`` + 32 hex."""
    return "S" + "K" + _rand(HEX, 32, seed, "tw")


def sendgrid_key(seed: int = 0) -> str:
    """SendGrid key: ``SG.`` + 22 + ``.`` + 43."""
    return "S" + "G." + _rand(B64URL, 22, seed, "sg1") + "." + _rand(B64URL, 43, seed, "sg2")


def telegram_bot_token(seed: int = 0) -> str:
    """Telegram bot token: bot id ``:`` ``AA`` + 33 chars."""
    return str(_rng(seed).randrange(10**8, 10**10)) + ":" + "AA" + _rand(B64URL, 33, seed, "tg")


def pypi_token(seed: int = 0) -> str:
    """PyPI upload token: ``pypi-AgEIcHlwaS5vcmc`` + base64."""
    return "pypi" + "-AgEIcHlwaS5vcmc" + _rand(B64URL, 120, seed, "pypi")


def npm_token(seed: int = 0) -> str:
    """npm access token: ``npm_`` + 36."""
    return "npm" + "_" + _rand(ALNUM, 36, seed, "npm")


def mistral_key(seed: int = 0) -> str:
    """Mistral API key: 32 alnum chars (context only)."""
    return _rand(ALNUM, 32, seed, "mistral")


def cohere_key(seed: int = 0) -> str:
    """Cohere API key: 40 alnum chars (context only)."""
    return _rand(ALNUM, 40, seed, "cohere")


def groq_key(seed: int = 0) -> str:
    """Groq key: ``gsk_`` + 52."""
    return "g" + "sk_" + _rand(ALNUM, 52, seed, "groq")


def together_key(seed: int = 0) -> str:
    """Together AI key: ``tgp_v1_`` + 43 url-safe chars."""
    return "tgp" + "_v1_" + _rand(B64URL, 43, seed, "tog")


def replicate_token(seed: int = 0) -> str:
    """Replicate token: ``r8_`` + 37."""
    return "r" + "8_" + _rand(ALNUM, 37, seed, "r8")


def openrouter_key(seed: int = 0) -> str:
    """OpenRouter key: ``sk-or-v1-`` + 64 hex."""
    return "sk" + "-or-v1-" + _rand(HEX, 64, seed, "or")


def deepseek_key(seed: int = 0) -> str:
    """DeepSeek key: ``sk-`` + 32 hex (context helps)."""
    return "sk" + "-" + _rand(HEX, 32, seed, "ds")


def xai_key(seed: int = 0) -> str:
    """xAI key: ``xai-`` + 80."""
    return "x" + "ai-" + _rand(ALNUM, 80, seed, "xai")


def perplexity_key(seed: int = 0) -> str:
    """Perplexity key: ``pplx-`` + 48."""
    return "pp" + "lx-" + _rand(ALNUM, 48, seed, "pplx")


def langsmith_key(seed: int = 0) -> str:
    """LangSmith key: ``lsv2_pt_`` (or ``lsv2_sk_``) + 32 hex + ``_`` + 10 hex."""
    kind = "sk" if seed % 2 else "pt"
    return (
        "lsv2" + "_" + kind + "_" + _rand(HEX, 32, seed, "ls1") + "_" + _rand(HEX, 10, seed, "ls2")
    )


def pinecone_key(seed: int = 0) -> str:
    """Pinecone key: ``pcsk_`` + id + ``_`` + 60 chars."""
    return "pc" + "sk_" + _rand(ALNUM, 5, seed, "pc1") + "_" + _rand(ALNUM, 63, seed, "pc2")


def wandb_key(seed: int = 0) -> str:
    """Weights & Biases API key: 40 hex chars (context only)."""
    return _rand(HEX, 40, seed, "wandb")


def jwt(seed: int = 0) -> str:
    """A signed-looking JWT (header.payload.signature, base64url)."""

    def enc(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    head = enc({"alg": "HS256", "typ": "JWT"})
    body = enc({"sub": str(_rng(seed).randrange(10**9)), "iat": 1700000000 + seed, "role": "svc"})
    return f"{head}.{body}.{_rand(B64URL, 43, seed, 'jwtsig')}"


def private_key_pem(seed: int = 0, kind: str = "RSA") -> str:
    """A PEM private key block (``RSA``, ``EC``, ``OPENSSH`` or ``""`` for PKCS#8)."""
    label = (kind + " " if kind else "") + "PRIVATE" + " KEY"
    lines = [_rand(ALNUM + "+/", 64, seed, f"pem{i}") for i in range(6)]
    return "-----BEGIN " + label + "-----\n" + "\n".join(lines) + "\n-----END " + label + "-----"


def service_account_json(seed: int = 0) -> str:
    """A Google service-account JSON whose private key is JSON-escaped (``\\n``)."""
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "demo-project",
            "private_key_id": _rand(HEX, 40, seed, "pkid"),
            "private_key": private_key_pem(seed, kind="") + "\n",
            "client_email": "svc@demo-project.iam.gserviceaccount.com",
        }
    )


def url_with_password(seed: int = 0, scheme: str = "postgresql") -> str:
    """A connection URL with an inline password."""
    return f"{scheme}://admin:{_rand(ALNUM, 16, seed, 'pw')}@db{seed}.internal.corp:5432/prod"


def bearer_header(seed: int = 0) -> str:
    """An ``Authorization: Bearer`` header line with an opaque token."""
    return "Authorization: " + "Bearer " + _rand(B64URL, 40, seed, "bearer")


def generic_secret(seed: int = 0) -> str:
    """An opaque high-entropy secret value (for ``*_token = ...`` / ``password = ...``)."""
    return _rand(ALNUM + "!#%", 28, seed, "gen")


# --------------------------------------------------------------------------- personal data

FIRST_NAMES = (
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "William",
    "Elizabeth",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Margaret",
    "Mark",
    "Sandra",
    "Steven",
    "Ashley",
    "Andrew",
    "Kimberly",
    "Kenneth",
    "Emily",
    "Joshua",
    "Donna",
    "Kevin",
    "Michelle",
    "Brian",
    "Carol",
    "George",
    "Amanda",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
)


def first_name(seed: int = 0) -> str:
    """A common US first name."""
    return _rng(seed).choice(FIRST_NAMES)


def last_name(seed: int = 0) -> str:
    """A common US surname."""
    return _rng(seed + 10_000).choice(LAST_NAMES)


def full_name(seed: int = 0) -> str:
    """``First Last``."""
    return f"{first_name(seed)} {last_name(seed)}"


def email(seed: int = 0) -> str:
    """A personal email on a real-looking (non-documentation) domain."""
    domains = (
        "gmail.com",
        "outlook.com",
        "yahoo.co.uk",
        "acme-corp.io",
        "posteo.de",
        "uni-mail.edu",
    )
    r = _rng(seed)
    local = f"{first_name(seed).lower()}.{last_name(seed).lower()}{r.randrange(100)}"
    return local + "@" + r.choice(domains)


def phone_us(seed: int = 0, style: int | None = None) -> str:
    """A valid-format US phone number (not 555-01xx), in one of several styles."""
    r = _rng(seed)
    area = r.choice(("212", "415", "617", "312", "206", "512", "303", "404", "646", "718"))
    ex = str(r.randrange(201, 989))
    line = f"{r.randrange(0, 10000):04d}"
    styles = (
        f"({area}) {ex}-{line}",
        f"{area}-{ex}-{line}",
        f"+1 {area} {ex} {line}",
        f"{area}.{ex}.{line}",
        f"+1-{area}-{ex}-{line}",
    )
    return styles[style if style is not None else seed % len(styles)]


def phone_intl(seed: int = 0) -> str:
    """A valid-format international number in E.164-ish human style (UK, DE, FR, IN, AU, JP)."""
    r = _rng(seed)
    options = (
        f"+44 20 7{r.randrange(100, 999)} {r.randrange(1000, 9999)}",
        f"+49 30 {r.randrange(1000, 9999)}{r.randrange(1000, 9999)}",
        "+33 1 " + " ".join(str(r.randrange(10, 99)) for _ in range(4)),
        f"+91 98{r.randrange(100, 999)} {r.randrange(10000, 99999)}",
        f"+61 2 {r.randrange(8000, 9999)} {r.randrange(1000, 9999)}",
        f"+81 3-{r.randrange(1000, 9999)}-{r.randrange(1000, 9999)}",
    )
    return options[seed % len(options)]


def _luhn_complete(partial: str) -> str:
    digits = [int(c) for c in partial + "0"]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return partial + str((10 - total % 10) % 10)


def credit_card(seed: int = 0, brand: str | None = None, sep: str | None = None) -> str:
    """A Luhn-valid card number of a real brand range (visa/mastercard/amex/discover).

    `sep` is ``""``, ``" "`` or ``"-"``; by default it varies with the seed.
    """
    r = _rng(seed)
    brands = ("visa", "mastercard", "amex", "discover")
    brand = brand or brands[seed % 4]
    prefix, length = {
        "visa": ("4", 16),
        "mastercard": (str(r.randrange(51, 56)), 16),
        "amex": (r.choice(("34", "37")), 15),
        "discover": ("6011", 16),
    }[brand]
    body = prefix + "".join(str(r.randrange(10)) for _ in range(length - len(prefix) - 1))
    number = _luhn_complete(body)
    sep = sep if sep is not None else ("", " ", "-")[(seed // 4) % 3]
    groups = (4, 6, 5) if brand == "amex" else (4, 4, 4, 4)
    out, pos = [], 0
    for g in groups:
        out.append(number[pos : pos + g])
        pos += g
    return sep.join(out)


def luhn_invalid_card(seed: int = 0) -> str:
    """A 16-digit Visa-range number whose Luhn check fails (must NOT be flagged)."""
    good = credit_card(seed, brand="visa", sep="")
    last = (int(good[-1]) + 1) % 10
    return good[:-1] + str(last)


def ssn(seed: int = 0, sep: str = "-") -> str:
    """A US SSN obeying area/group/serial rules (area not 000/666/9xx, group/serial non-zero)."""
    r = _rng(seed)
    area = r.choice([a for a in range(1, 900) if a != 666 and a not in (123, 78)])
    return f"{area:03d}{sep}{r.randrange(1, 100):02d}{sep}{r.randrange(1, 10000):04d}"


def _iban_check(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def iban(seed: int = 0, country: str | None = None, spaced: bool | None = None) -> str:
    """A mod-97-valid IBAN (DE, GB, FR, NL, ES), printed compact or in groups of four."""
    r = _rng(seed)
    country = country or ("DE", "GB", "FR", "NL", "ES")[seed % 5]
    digits = string.digits
    bban = {
        "DE": "".join(r.choice(digits) for _ in range(18)),
        "GB": "NWBK" + "".join(r.choice(digits) for _ in range(14)),
        "FR": "".join(r.choice(digits) for _ in range(23)),
        "NL": "ABNA" + "".join(r.choice(digits) for _ in range(10)),
        "ES": "".join(r.choice(digits) for _ in range(20)),
    }[country]
    value = country + _iban_check(country, bban) + bban
    spaced = (seed % 2 == 0) if spaced is None else spaced
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if spaced else value


def bad_iban(seed: int = 0) -> str:
    """An IBAN-shaped string with a wrong check number (must NOT be flagged)."""
    good = iban(seed, spaced=False)
    check = (int(good[2:4]) + 1) % 97 + 2
    return good[:2] + f"{check:02d}" + good[4:]


def public_ipv4(seed: int = 0) -> str:
    """A public (globally routable, non-documentation) IPv4 address."""
    r = _rng(seed)
    first = r.choice((23, 45, 52, 81, 91, 104, 151, 185, 212))
    return f"{first}.{r.randrange(1, 255)}.{r.randrange(0, 255)}.{r.randrange(1, 254)}"


def public_ipv6(seed: int = 0) -> str:
    """A public IPv6 address (2a00::/12 style, not the 2001:db8 documentation range)."""
    r = _rng(seed)
    groups = [f"{r.randrange(1, 0xFFFF):x}" for _ in range(4)]
    return (
        "2a0"
        + str(r.randrange(1, 9))
        + ":"
        + ":".join(groups)
        + "::"
        + f"{r.randrange(1, 0xFFF):x}"
    )


STREETS = (
    "Main",
    "Oak",
    "Maple",
    "Cedar",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Pine",
    "Park",
    "Sunset",
    "Highland",
    "Jefferson",
    "Lincoln",
    "Madison",
    "Walnut",
    "Willow",
    "Chestnut",
)
SUFFIXES = (
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Road",
    "Rd",
    "Boulevard",
    "Blvd",
    "Lane",
    "Ln",
    "Drive",
    "Dr",
    "Court",
    "Ct",
    "Way",
    "Place",
)
CITIES = (
    ("Springfield", "IL", "62704"),
    ("Austin", "TX", "78701"),
    ("Denver", "CO", "80202"),
    ("Portland", "OR", "97205"),
    ("Columbus", "OH", "43215"),
    ("Madison", "WI", "53703"),
)


def street_address(seed: int = 0, with_city: bool | None = None) -> str:
    """A US street address: number, street, suffix and optionally ``, City, ST 12345``."""
    r = _rng(seed)
    line = f"{r.randrange(1, 9999)} {r.choice(STREETS)} {r.choice(SUFFIXES)}"
    with_city = (seed % 2 == 0) if with_city is None else with_city
    if with_city:
        city, state, zip_ = r.choice(CITIES)
        line += f", {city}, {state} {zip_}"
    return line


def date_of_birth(seed: int = 0) -> str:
    """A birth date string in one of several common formats."""
    r = _rng(seed)
    y, m, d = r.randrange(1940, 2005), r.randrange(1, 13), r.randrange(1, 29)
    months = (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
    styles = (
        f"{m:02d}/{d:02d}/{y}",
        f"{y}-{m:02d}-{d:02d}",
        f"{months[m - 1]} {d}, {y}",
        f"{d} {months[m - 1]} {y}",
        f"{d:02d}.{m:02d}.{y}",
    )
    return styles[seed % len(styles)]


# --------------------------------------------------------------------------- negatives


def placeholder_keys() -> list[str]:
    """Key-shaped placeholders that must NOT be flagged."""
    return [
        "sk-...",
        "YOUR_API_KEY",
        "<your key>",
        "sk-" + "x" * 40,
        "REPLACE_ME",
        "${OPENAI_API_KEY}",
        "EMPTY",
        "sk-proj-" + "*" * 20 + "abcd",
        "sk-proj-" + "X" * 44,
        "<OPENAI_API_KEY>",
        "your-api-key-here",
        "sk-your-key-here",
        "none",
        "dummy",
    ]


def aws_documentation_key_id() -> str:
    """The AWS documentation example key id (``AKIA...EXAMPLE``), which is public."""
    return "AKIA" + "IOSFODNN7" + "EXAMPLE"


def aws_documentation_secret() -> str:
    """The AWS documentation example secret access key, which is public."""
    return "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"
