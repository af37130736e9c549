"""Positives and hard negatives per finding type, all values built at run time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aisafe_nb.detect import scan_text
from tests import fakes as F

# (type, builder) for values recognisable by their format alone.
FORMAT_CASES: list[tuple[str, Callable[[int], str]]] = [
    ("openai-api-key", lambda s: F.openai_key(s, "proj")),
    ("openai-api-key", lambda s: F.openai_key(s, "svcacct")),
    ("openai-api-key", lambda s: F.openai_key(s, "admin")),
    ("openai-api-key", lambda s: F.openai_key(s, "legacy")),
    ("anthropic-api-key", F.anthropic_key),
    ("google-api-key", F.google_api_key),
    ("google-oauth-token", F.google_oauth_token),
    ("aws-access-key-id", F.aws_access_key_id),
    ("aws-session-token", F.aws_session_token),
    ("github-token", F.github_token),
    ("github-token", lambda s: F.github_token(s, "gho")),
    ("github-token", F.github_fine_grained),
    ("gitlab-token", F.gitlab_token),
    ("slack-token", F.slack_token),
    ("slack-token", lambda s: F.slack_token(s, "xoxp")),
    ("slack-webhook", F.slack_webhook),
    ("stripe-api-key", F.stripe_key),
    ("stripe-api-key", lambda s: F.stripe_key(s, "rk_live_")),
    ("huggingface-token", F.huggingface_token),
    ("twilio-api-key", F.twilio_key),
    ("sendgrid-api-key", F.sendgrid_key),
    ("telegram-bot-token", F.telegram_bot_token),
    ("pypi-token", F.pypi_token),
    ("npm-token", F.npm_token),
    ("groq-api-key", F.groq_key),
    ("together-api-key", F.together_key),
    ("replicate-api-token", F.replicate_token),
    ("openrouter-api-key", F.openrouter_key),
    ("xai-api-key", F.xai_key),
    ("perplexity-api-key", F.perplexity_key),
    ("langsmith-api-key", F.langsmith_key),
    ("pinecone-api-key", F.pinecone_key),
    ("jwt", F.jwt),
    ("private-key", F.private_key_pem),
    ("private-key", lambda s: F.private_key_pem(s, "OPENSSH")),
    ("private-key", lambda s: F.private_key_pem(s, "")),
    ("email", F.email),
    ("phone-number", F.phone_us),
    ("phone-number", F.phone_intl),
    ("credit-card", F.credit_card),
    ("us-ssn", F.ssn),
    ("iban", F.iban),
    ("ip-address", F.public_ipv4),
    ("ip-address", F.public_ipv6),
    ("street-address", F.street_address),
    ("person-name", F.full_name),
]

CONTEXTS = [
    'value = "{v}"\n',
    "print('{v}')\n",
    "Here it is: {v} -- thanks!\n",
    '{{"field": "{v}"}}',
]


def _types_at(text: str, start: int, end: int) -> set[str]:
    return {f.type for f in scan_text(text) if f.start < end and start < f.end}


@pytest.mark.parametrize(
    ("type_", "make"), FORMAT_CASES, ids=lambda x: x if isinstance(x, str) else ""
)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("context", CONTEXTS)
def test_format_positive(type_: str, make: Callable[[int], str], seed: int, context: str) -> None:
    value = make(seed)
    text = context.replace("{{", "\0").replace("}}", "\1").replace("{v}", value)
    text = text.replace("\0", "{").replace("\1", "}")
    start = text.index(value)
    assert type_ in _types_at(text, start, start + len(value)), text


@pytest.mark.parametrize(("type_", "make"), FORMAT_CASES)
def test_found_after_letters_that_lower_to_two_characters(
    type_: str, make: Callable[[int], str]
) -> None:
    # "İ".lower() is two characters: positions in the lowered text must still be the text's.
    value = make(3)
    mail = "ayse.yilmaz" + "@" + "firma.com.tr"  # built from parts: this repository scans clean
    text = f"İstanbul ofisi, İzmir. Here it is: {value} -- thanks!\nMail: {mail}"
    start = text.index(value)
    assert type_ in _types_at(text, start, start + len(value)), text
    assert "email" in _types_at(text, text.index("ayse"), len(text))


def test_format_positive_exact_span() -> None:
    key = F.openai_key(5)
    text = f'client = OpenAI(api_key="{key}")'
    [f] = scan_text(text)
    assert text[f.start : f.end] == key
    assert f.kind == "secret"


CONTEXT_CASES = [
    ("azure-openai-key", lambda s: f'AZURE_OPENAI_API_KEY = "{F.azure_openai_key(s)}"'),
    (
        "azure-openai-key",
        lambda s: (
            f"client = AzureOpenAI(api_key='{F.azure_openai_key(s)}', azure_endpoint=endpoint)"
        ),
    ),
    ("aws-secret-access-key", lambda s: f"aws_secret_access_key = '{F.aws_secret_access_key(s)}'"),
    ("aws-secret-access-key", lambda s: f'"SecretAccessKey": "{F.aws_secret_access_key(s)}"'),
    ("mistral-api-key", lambda s: f'MISTRAL_API_KEY = "{F.mistral_key(s)}"'),
    (
        "cohere-api-key",
        lambda s: f'co = cohere.Client("{F.cohere_key(s)}")'.replace(
            'Client("', 'Client(api_key="'
        ),
    ),
    ("wandb-api-key", lambda s: f'wandb.login(key="{F.wandb_key(s)}")'),
    (
        "deepseek-api-key",
        lambda s: (
            f'client = OpenAI(api_key="{F.deepseek_key(s)}", base_url="https://api.deepseek.com")'
        ),
    ),
    ("url-credentials", F.url_with_password),
    ("authorization-header", F.bearer_header),
    ("generic-secret", lambda s: f'internal_service_token = "{F.generic_secret(s)}"'),
    ("generic-secret", lambda s: f"MY_SERVICE_SECRET={F.generic_secret(s)}"),
    ("generic-secret", lambda s: f"%env MY_SERVICE_TOKEN={F.generic_secret(s)}"),
    ("generic-secret", lambda s: f'db_password = "Tr0ub4dor{s}&3"'),
    ("date-of-birth", lambda s: f"DOB: {F.date_of_birth(s)}"),
    ("date-of-birth", lambda s: f"She was born on {F.date_of_birth(s)}."),
    ("date-of-birth", lambda s: f'{{"date_of_birth": "{F.date_of_birth(s)}"}}'),
    ("us-ssn", lambda s: f"ssn: {F.ssn(s, sep='')}"),
    ("person-name", lambda s: f"Dear {F.first_name(s)},\nyour order shipped."),
    ("person-name", lambda s: f"Mr. {F.last_name(s)} called again."),
    ("person-name", lambda s: f"Dr. {F.full_name(s)} will see you now."),
    ("person-name", lambda s: f"My name is {F.full_name(s)}."),
    ("person-name", lambda s: f'{{"name": "{F.full_name(s)}", "age": 41}}'),
    ("person-name", lambda s: f"Best regards,\n{F.full_name(s)}\n"),
    ("person-name", lambda s: f"Patient {F.full_name(s)} was admitted."),
    ("person-name", lambda s: f"An email from {F.full_name(s)} arrived."),
    ("person-name", lambda s: f"Dear Mr. O'{F.last_name(s)},"),
    # A capitalised word before the name must not hide it (overlapped pair matching).
    ("person-name", lambda s: f"Yesterday {F.full_name(s)} called about the invoice."),
    ("person-name", lambda s: f"Ticket {F.full_name(s)} opened is still waiting."),
    ("person-name", lambda s: f"Mrs {F.full_name(s)} called."),
    # Census lists spell "O'Connor" without the apostrophe; curly or straight, it matches.
    ("person-name", lambda s: f"A cover letter for {F.first_name(s)} O'" + "Connor, please."),
    ("person-name", lambda s: f"Ping {F.first_name(s)} O\u2019" + "Brien today."),
    # ... while the stop lists keep their apostrophes: "park's" is not a name, "Parks" is.
    ("person-name", lambda s: f"Dear {F.first_name(s)} " + "Parks, thank you."),
    ("person-name", lambda s: f"name: 'Mary-{F.first_name(s)} {F.last_name(s)}'"),
    ("person-name", lambda s: f"Regards,\n{F.first_name(s)} O'{F.last_name(s)}\n"),
    # Names outside the census lists, assembled so this file holds no literal name.
    ("person-name", lambda s: "customer_name = '" + "Kwame" + " Mensah'"),
    ("person-name", lambda s: '{"first_name": "' + "Aiko" + '", "surname": "' + "Tanaka" + '"}'),
    # Unquoted passwords in .env / export lines (built from parts: this file scans clean).
    ("generic-secret", lambda s: "DB_PASSWORD=" + "correcthorse" + f"batterystaple{s}\n"),
    ("generic-secret", lambda s: "export POSTGRES_PASSWORD=" + f"Sup3rS3cret{s}"),
    ("street-address", lambda s: "Ship to Haupt" + f"straße {s + 12}, 10115 Berlin."),
    ("street-address", lambda s: f"Le bureau: {s + 12} rue " + "de la Paix, 75002 Paris."),
]


@pytest.mark.parametrize(
    ("type_", "make"), CONTEXT_CASES, ids=lambda x: x if isinstance(x, str) else ""
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_context_positive(type_: str, make: Callable[[int], str], seed: int) -> None:
    text = make(seed)
    assert type_ in {f.type for f in scan_text(text)}, text


def _jwt_io_example() -> str:
    """jwt.io's default token: published in countless tutorials, not a secret."""
    return ".".join(
        (
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV" + "_adQssw5c",
        )
    )


def _stripe_docs_key() -> str:
    """The test key shown throughout Stripe's documentation."""
    return "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc"


def _aws_doc_pair() -> str:
    return (
        f"aws_access_key_id = '{F.aws_documentation_key_id()}'\n"
        f"aws_secret_access_key = '{F.aws_documentation_secret()}'"
    )


def _github_bad_checksum(seed: int) -> str:
    token = F.github_token(seed)
    return token[:-1] + ("A" if token[-1] != "A" else "B")  # last checksum character off


NEGATIVES = [
    *[f'client = OpenAI(api_key="{p}")' for p in F.placeholder_keys()],
    *[f"a token looks like {_github_bad_checksum(s)} in the docs" for s in range(3)],
    "Author: Jane Doe <jane@example.com>\nDear John Doe, this is a template.",
    "PASSWORD_HASHER=argon2id\nPASSWORD_MIN_LENGTH=12\nDB_PASSWORD_FILE=/run/secrets/db",
    "DB_PASSWORD=${DB_PASSWORD}\nADMIN_PASSWORD=changeme",
    'api_key = os.environ["OPENAI_API_KEY"]',
    "api_key = os.getenv('OPENAI_API_KEY')",
    "from google.colab import userdata\nkey = userdata.get('HF_TOKEN')",
    'OPENAI_API_KEY = "${OPENAI_API_KEY}"',
    'client = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")',
    "masked: sk-proj-****************abcd",
    _aws_doc_pair(),
    f"token = '{_jwt_io_example()}'",
    f"stripe.api_key = '{_stripe_docs_key()}'",
    f"publishable = '{F.stripe_publishable(1)}'",
    "request_id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301'",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    'model = "gpt-4o-2024-08-06"; other = "claude-3-5-sonnet-20241022"',
    "numpy==1.26.4 torch 2.3.1+cu121 version 10.2.0.1",
    f"card = '{F.luhn_invalid_card(3)}'",
    "SSN 123-45-6789 is the documentation example; so is 078-05-1120.",
    "SSN 000-12-3456, 666-12-3456 and 912-34-5678 are invalid.",
    f"iban = '{F.bad_iban(2)}'",
    "mail support@example.com, admin@example.org, a@b.test",
    "hosts: 192.168.0.10 10.1.2.3 172.16.5.4 127.0.0.1 203.0.113.9 198.51.100.2 2001:db8::7 ::1",
    "In May, Julia 1.10 and Claude 3 Opus were benchmarked.",
    "## Data Science in New York\nMachine Learning with Random Forest",
    "Dear Sir or Madam,\nHi team,\nBest,\nThe Platform Team",
    "Hello World! Hi Claude, summarise this.",
    "created_at: 2024-03-12, updated 12/03/2024",
    "array([0.1, 0.2]) shape (60000, 28, 28) epoch 10/50 loss=0.0312",
    "Order 48213 total 129.99, invoice INV-2024-00017",
    "Call 555-0123 (fictional) or ext. 4412",
    "![img](data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAA" + "QUJDRE" * 40 + ")",
    "token = get_token(scope='read'); password = getpass.getpass()",
    "headers = {'Authorization': f'Bearer {api_key}'}",
    "[REDACTED:openai-api-key] <EMAIL_1> <PERSON_NAME_2> <PHONE_NUMBER_1>",
    "git@github.com:org/repo.git and logo@2x.png",
    "# Client Error.\n400: ('bad_request',)\nCustomer Support replied.",
    "name = 'Mask'\naliases = ['mask']",
    '"display_name": "Echo Kernel",',
    "split('a:b::c') gives ['a', 'b', '', 'c']",
    "# https://username:password@host.com:80/path?query#fragment",
    "The Modified Julian Day number counts days since 1858.",
    "last: Value\nreporter: Github Actions\nowner: Data Platform Team",
    "Released on May 5, 2023 in San Francisco; Grace period ends June 1.",
    # Ten-digit constants in valid US and Indian numbering ranges, with no context.
    "np.random.seed(2147483647)\nx = 8589934592; df.loc[7034561234]\nsize 5368709120 bytes",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_hard_negative(text: str) -> None:
    found = scan_text(text)
    assert found == [], [(f.type, f.preview) for f in found]


def test_pragma_suppresses_finding() -> None:
    key = F.openai_key(9)
    assert scan_text(f'k = "{key}"  # aisafe: allow') == []
    assert scan_text(f'k = "{key}"\n# aisafe: allow') != []


def test_kinds_filter() -> None:
    text = f"key {F.github_token(1)} mail {F.email(1)}"
    assert {f.kind for f in scan_text(text, kinds=("secret",))} == {"secret"}
    assert {f.kind for f in scan_text(text, kinds=("pii",))} == {"pii"}
    assert scan_text(text, kinds=()) == []


def test_escaped_private_key_in_json() -> None:
    text = F.service_account_json(4)
    types = [f.type for f in scan_text(text)]
    assert "private-key" in types
    assert "email" not in types  # service accounts are not people


@pytest.mark.parametrize(
    "template",
    [
        "They want a callback on {n}.",
        "id,name,email,phone\n1,{name},{email},{n},Boston",
        "phone: {n}",
        "Reach me at {n} after six.",
    ],
)
def test_bare_ten_digit_phone_needs_phone_context(template: str) -> None:
    number = "".join(c for c in F.phone_us(3) if c.isdigit())
    assert len(number) == 10
    text = template.format(n=number, email=F.email(3), name=F.full_name(3))
    spans = [text[f.start : f.end] for f in scan_text(text) if f.type == "phone-number"]
    assert spans == [number]
    assert scan_text(f"values = [{number}, 17, 3]") == []  # the same digits without context


@pytest.mark.parametrize(
    "address",
    [
        # Built from parts, so this file scans clean.
        "1600 Pennsylvania" + " Ave NW, Washington, D" + "C 20500",  # a directional after the type
        "10 Downing" + " Street, London SW1A 2AA",  # a UK postcode on the city line
        "22 Baker" + " Street, London NW1 6XE",
    ],
)
def test_street_address_found_whole(address: str) -> None:
    text = f"Please deliver it to {address}. Thanks!"
    start = text.index(address)
    spans = [(f.start, f.end) for f in scan_text(text) if f.type == "street-address"]
    assert spans == [(start, start + len(address))], text
