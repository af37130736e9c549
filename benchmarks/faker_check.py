"""An independent accuracy check of the detector, on data from a different generator (Faker).

Why: the engine was tuned against `benchmarks.labelled`, written by the engine's author, so
its ≈1.000 scores are optimistic. This set is written the way users' data looks — Faker PII
in nine locales inside prompts, CSV rows, JSON records, dataframe outputs, signatures and
chat logs; secrets inside realistic notebook code, configs and curl commands — plus hard
negatives. Every credential-shaped value is built at run time from random characters of
the right alphabet and length, so this file scans clean.

Run: ``python -m benchmarks.faker_check [--seed N] [--errors] [--only GROUP]``. Prints P/R per
type and per target group; ``--errors`` lists misses (FN) and false positives (FP) with the
value masked. Needs the ``bench`` extra (Faker).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import ipaddress
import json
import random
import string
import sys
from collections.abc import Callable

from faker import Faker

from benchmarks.labelled.generate import Case
from benchmarks.labelled.score import report

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_IN", "pt_BR")
CARD_TYPES = (
    "amex", "diners", "discover", "jcb15", "jcb16", "maestro", "mastercard", "visa13", "visa16",
    "visa19",
)  # fmt: skip

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase  # GitHub's digit order
Piece = str | tuple[str, str | None]  # plain text, or (value, label type or None)


class Gen:
    """Random sources (one seeded `random.Random`, one seeded Faker per locale)."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        Faker.seed(seed)
        self.fakers = {loc: Faker(loc) for loc in LOCALES}
        for i, f in enumerate(self.fakers.values()):
            f.seed_instance(seed + i)

    def f(self, loc: str | None = None) -> Faker:
        return self.fakers[loc or self.r.choice(LOCALES)]

    def s(self, chars: str, n: int) -> str:
        """Random string; always mixes letters and digits when the alphabet has both."""
        while True:
            out = "".join(self.r.choice(chars) for _ in range(n))
            both = any(c.isdigit() for c in chars) and any(c.isalpha() for c in chars)
            mixed = any(c.isdigit() for c in out) and any(c.isalpha() for c in out)
            if mixed or not both or n < 6:
                return out

    def pick(self, seq: list[str] | tuple[str, ...]) -> str:
        return self.r.choice(seq)


def case(pieces: list[Piece], source: str) -> Case:
    """Join pieces into one text, recording the span of every labelled value."""
    text, labels, pos = [], [], 0
    for p in pieces:
        value, label = (p, None) if isinstance(p, str) else p
        if label:
            labels.append((pos, pos + len(value), label))
        text.append(value)
        pos += len(value)
    return Case("".join(text), labels, source)


# ---------------------------------------------------------------- secrets (built at run time)


def _gh_checksum(body: str) -> str:
    n = binascii.crc32(body.encode())
    out = ""
    while n:
        n, rem = divmod(n, 62)
        out = B62[rem] + out
    return out.rjust(6, "0")


def _pem(g: Gen) -> str:
    body = base64.b64encode(bytes(g.r.randrange(256) for _ in range(600))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    dash = "-" * 5
    return (
        f"{dash}BEGIN PRIV" + f"ATE KEY{dash}\n" + "\n".join(lines) + f"\n{dash}END PRIV"
        f"ATE KEY{dash}\n"
    )


def _jwt(g: Gen) -> str:
    def b64(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    head = b64({"alg": g.pick(("HS256", "RS256")), "typ": "JWT"})
    body = b64({"sub": g.s(string.digits, 8), "iat": 1700000000 + g.r.randrange(10**6)})
    return f"{head}.{body}.{g.s(URLSAFE, 43)}"


#: provider -> (label type, env var, builder). Formats as the providers publish them.
SECRETS: dict[str, tuple[str, str, Callable[[Gen], str]]] = {
    "openai-proj": ("openai-api-key", "OPENAI_API_KEY",
        lambda g: "sk-" + "proj-" + g.s(URLSAFE, 74) + "T3Blbk" + "FJ" + g.s(URLSAFE, 74)),
    "openai-legacy": ("openai-api-key", "OPENAI_API_KEY",
        lambda g: "sk-" + g.s(ALNUM, 20) + "T3Blbk" + "FJ" + g.s(ALNUM, 20)),
    "openai-svcacct": ("openai-api-key", "OPENAI_API_KEY",
        lambda g: "sk-" + "svcacct-" + g.s(URLSAFE, 120)),
    "openai-admin": ("openai-api-key", "OPENAI_ADMIN_KEY",
        lambda g: "sk-" + "admin-" + g.s(URLSAFE, 120)),
    "anthropic": ("anthropic-api-key", "ANTHROPIC_API_KEY",
        lambda g: "sk-" + "ant-api03-" + g.s(URLSAFE, 93) + "AA"),
    "google": ("google-api-key", "GOOGLE_API_KEY", lambda g: "AI" + "za" + g.s(URLSAFE, 35)),
    "google-oauth": ("google-oauth-token", "GOOGLE_ACCESS_TOKEN",
        lambda g: "ya" + "29." + g.s(URLSAFE, 150)),
    "azure": ("azure-openai-key", "AZURE_OPENAI_API_KEY", lambda g: g.s(HEX, 32)),
    "mistral": ("mistral-api-key", "MISTRAL_API_KEY", lambda g: g.s(ALNUM, 32)),
    "cohere": ("cohere-api-key", "COHERE_API_KEY", lambda g: g.s(ALNUM, 40)),
    "groq": ("groq-api-key", "GROQ_API_KEY", lambda g: "gs" + "k_" + g.s(ALNUM, 52)),
    "together": ("together-api-key", "TOGETHER_API_KEY",
        lambda g: "tgp" + "_v1_" + g.s(URLSAFE, 43)),
    "together-hex": ("together-api-key", "TOGETHER_API_KEY", lambda g: g.s(HEX, 64)),
    "replicate": ("replicate-api-token", "REPLICATE_API_TOKEN",
        lambda g: "r8" + "_" + g.s(ALNUM, 37)),
    "xai": ("xai-api-key", "XAI_API_KEY", lambda g: "xa" + "i-" + g.s(ALNUM, 80)),
    "perplexity": ("perplexity-api-key", "PERPLEXITY_API_KEY",
        lambda g: "pp" + "lx-" + g.s(ALNUM, 48)),
    "langsmith": ("langsmith-api-key", "LANGSMITH_API_KEY",
        lambda g: "lsv2" + "_pt_" + g.s(HEX, 32) + "_" + g.s(HEX, 10)),
    "pinecone": ("pinecone-api-key", "PINECONE_API_KEY",
        lambda g: "pc" + "sk_" + g.s(ALNUM, 5) + "_" + g.s(ALNUM, 63)),
    "wandb": ("wandb-api-key", "WANDB_API_KEY", lambda g: g.s(HEX, 40)),
    "huggingface": ("huggingface-token", "HF_TOKEN",
        lambda g: "h" + "f_" + g.s(string.ascii_letters, 34)),
    "aws-id": ("aws-access-key-id", "AWS_ACCESS_KEY_ID",
        lambda g: "AK" + "IA" + g.s(string.ascii_uppercase + "234567", 16)),
    "aws-secret": ("aws-secret-access-key", "AWS_SECRET_ACCESS_KEY",
        lambda g: g.s(ALNUM + "+/", 40)),
    "aws-session": ("aws-session-token", "AWS_SESSION_TOKEN",
        lambda g: "IQoJb3JpZ2luX2Vj" + g.s(ALNUM + "+/", 300) + "="),
    "github-classic": ("github-token", "GITHUB_TOKEN",
        lambda g: (lambda b: "gh" + "p_" + b + _gh_checksum(b))(g.s(ALNUM, 30))),
    "github-fine": ("github-token", "GITHUB_TOKEN",
        lambda g: "github" + "_pat_" + g.s(ALNUM, 22) + "_" + g.s(ALNUM, 59)),
    "gitlab": ("gitlab-token", "GITLAB_TOKEN", lambda g: "gl" + "pat-" + g.s(URLSAFE, 20)),
    "slack-bot": ("slack-token", "SLACK_BOT_TOKEN",
        lambda g: "xo" + "xb-" + g.s(string.digits, 12) + "-" + g.s(string.digits, 13) + "-"
        + g.s(ALNUM, 24)),
    "slack-webhook": ("slack-webhook", "SLACK_WEBHOOK_URL",
        lambda g: "https://hooks." + "slack.com/services/T" + g.s(string.ascii_uppercase
        + string.digits, 10) + "/B" + g.s(string.ascii_uppercase + string.digits, 10) + "/"
        + g.s(ALNUM, 24)),
    "stripe": ("stripe-api-key", "STRIPE_SECRET_KEY",
        lambda g: g.pick(("sk", "rk")) + "_live_" + g.s(ALNUM, 99)),
    "twilio-key": ("twilio-api-key", "TWILIO_API_KEY", lambda g: "S" + "K" + g.s(HEX, 32)),
    "twilio-auth": ("twilio-api-key", "TWILIO_AUTH_TOKEN", lambda g: g.s(HEX, 32)),
    "sendgrid": ("sendgrid-api-key", "SENDGRID_API_KEY",
        lambda g: "S" + "G." + g.s(URLSAFE, 22) + "." + g.s(URLSAFE, 43)),
    "telegram": ("telegram-bot-token", "TELEGRAM_BOT_TOKEN",
        lambda g: g.s(string.digits, 10) + ":" + "AA" + g.s(URLSAFE, 33)),
    "pypi": ("pypi-token", "PYPI_TOKEN",
        lambda g: "py" + "pi-" + "AgEIcHlwaS5vcmc" + g.s(URLSAFE, 70)),
    "npm": ("npm-token", "NPM_TOKEN", lambda g: "np" + "m_" + g.s(ALNUM, 36)),
    "deepseek": ("deepseek-api-key", "DEEPSEEK_API_KEY", lambda g: "s" + "k-" + g.s(HEX, 32)),
    "openrouter": ("openrouter-api-key", "OPENROUTER_API_KEY",
        lambda g: "sk-" + "or-v1-" + g.s(HEX, 64)),
    "jwt": ("jwt", "ACCESS_TOKEN", _jwt),
}  # fmt: skip

#: Providers whose key is only recognisable next to its name (not in bare output).
CONTEXT_ONLY = {
    "azure", "mistral", "cohere", "together-hex", "wandb", "aws-secret", "twilio-auth",
    "deepseek",
}  # fmt: skip

SDK_CALL = {
    "openai-proj": "client = OpenAI(api_key={q})",
    "anthropic": "client = anthropic.Anthropic(api_key={q})",
    "google": "genai.configure(api_key={q})",
    "azure": 'client = AzureOpenAI(api_key={q}, api_version="2024-06-01", azure_endpoint=endpoint)',
    "mistral": "client = Mistral(api_key={q})",
    "cohere": "co = cohere.ClientV2(api_key={q})",
    "groq": "client = Groq(api_key={q})",
    "replicate": "rep = replicate.Client(api_token={q})",
    "wandb": "wandb.login(key={q})",
    "pinecone": "pc = Pinecone(api_key={q})",
    "huggingface": "login(token={q})",
    "slack-bot": "client = WebClient(token={q})",
    "telegram": "bot = telegram.Bot(token={q})",
}


def _secret_cases(g: Gen) -> list[Case]:
    out: list[Case] = []
    for name, (typ, env, build) in SECRETS.items():
        for _ in range(6):
            v = build(g)
            lab: Piece = (v, typ)
            q = g.pick(('"', "'"))
            forms: list[list[Piece]] = [
                [f"import os\nos.environ[{q}{env}{q}] = {q}", lab, f"{q}\n"],
                [f"{env}=", lab, "\nDEBUG=false\n"],
                [f"# config.yaml\nllm:\n  provider: {name}\n  api_key: ", lab, "\n  timeout: 30\n"],
                [json.dumps({"model": "m", "api_key": "X"})[:-5] + '"', lab, '"}'],
                ['!curl -s https://api.example.org/v1/chat -H "Authorization: Bearer ', lab,
                 '" -d @body.json'],
                [f"{env.lower()} = {q}", lab, f"{q}  # TODO move to .env\n"],
                [f"%env {env}=", lab, "\n"],
                [f"export {env}={q}", lab, f"{q}\n"],
                [f"headers = {{{q}x-api-key{q}: {q}", lab, f"{q}, {q}accept{q}: {q}json{q}}}"],
                [f"Out[7]: {{'provider': '{name}', 'api_key': '", lab, "', 'retries': 3}"],
                [f"settings = Settings({env.lower()}=SecretStr({q}", lab, f"{q}))\n"],
            ]  # fmt: skip
            if name in SDK_CALL:
                pre, post = SDK_CALL[name].split("{q}")
                forms.append([pre + q, lab, q + post + "\n"])
            if name not in CONTEXT_ONLY:
                forms.append(["Out[3]: ", lab])
                forms.append(["r = requests.get(f'https://api.example.org/v1/x?key=", lab, "')"])
                forms.append([f"KeyError: invalid key {q}", lab, f"{q} for project\n"])
            out.append(case(g.r.choice(forms), f"secret:{name}"))
    # Whole files: service-account JSON with escaped PEM, AWS credentials, connection strings.
    for _ in range(10):
        pem = _pem(g)
        sa_head = (
            '{\n  "type": "service_account",\n  "project_id": "demo-proj",\n  "private_key": "'
        )
        out.append(case([sa_head, (pem.replace("\n", "\\n"), "private-key"),
                         '",\n  "client_email": "svc@demo-proj.iam.gserviceaccount.com"\n}'],
                        "secret:service-account"))  # fmt: skip
        out.append(case(["key_pem = '''", (pem, "private-key"), "'''\n"], "secret:pem"))
        kid = SECRETS["aws-id"][2](g)
        sec = SECRETS["aws-secret"][2](g)
        out.append(case(["[default]\naws_access_key_id = ", (kid, "aws-access-key-id"),
                         "\naws_secret_access_key = ", (sec, "aws-secret-access-key"),
                         "\nregion = eu-west-1\n"], "secret:aws-credentials"))  # fmt: skip
        out.append(case(['s3 = boto3.client("s3", aws_access_key_id="', (kid, "aws-access-key-id"),
                         '", aws_secret_access_key="', (sec, "aws-secret-access-key"), '")'],
                        "secret:boto3"))  # fmt: skip
        user = g.f().user_name()
        pw = g.s(ALNUM + "!#%^*", 14)
        scheme = g.pick(("postgresql", "mysql+pymysql", "mongodb+srv", "redis", "amqp"))
        url = f"{scheme}://{user}:{pw}@db{g.r.randrange(9)}.internal.corp:5432/analytics"
        out.append(case(['engine = create_engine("', (url, "url-credentials"), '")'], "secret:url"))
        out.append(case(["DATABASE_URL=", (url, "url-credentials"), "\n"], "secret:url-env"))
        out.append(case(['db_password = "', (pw, "generic-secret"), '"\n'], "secret:password"))
        basic = base64.b64encode(f"{user}:{pw}".encode()).decode()
        out.append(case(['requests.get(url, headers={"Authorization": "Basic ', (basic,
                         "authorization-header"), '"})'], "secret:basic"))  # fmt: skip
        tok = g.s(URLSAFE, 40)
        out.append(case(["curl -H 'Authorization: Bearer ", (tok, "authorization-header"),
                         "' https://internal.corp/api/v2/items"], "secret:bearer"))  # fmt: skip
        out.append(case(["api_token = \"", (g.s(ALNUM, 32), "generic-secret"), "\"\n"],
                        "secret:generic"))  # fmt: skip
    return out


def _secret_negatives(g: Gen) -> list[Case]:
    texts = [
        'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])',
        'os.environ["OPENAI_API_KEY"] = "sk-..."',
        "OPENAI_API_KEY=your-api-key-here",
        'api_key = "YOUR_API_KEY"',
        'client = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")',
        "ANTHROPIC_API_KEY=<your key>",
        'token = getpass.getpass("HF token: ")',
        "key = userdata.get('GEMINI_API_KEY')",
        'api_key: "${OPENAI_API_KEY}"',
        "password = os.getenv('DB_PASSWORD')",
        'model = "gpt-4o-mini-2024-07-18"',
        'model="claude-3-5-sonnet-20241022"',
        'MODEL_ID = "meta-llama/Llama-3.1-8B-Instruct"',
        'secret_name = "prod/openai/api-key"',
        'token_type = "bearer"',
        "tokenizer = AutoTokenizer.from_pretrained('bert-base-uncased')",
        'max_tokens = 4096\nsecret_sauce = "cheese"',
        'password_field = "password"',
        'stripe.api_key = "sk_test_' + "x" * 24 + '"',
    ]
    for _ in range(30):
        texts.append(f'request_id = "{g.f().uuid4()}"')
        texts.append(f"commit {g.f().sha1()}\nAuthor: CI Bot <ci@build.invalid>")
        texts.append(f'sha256 = "{g.f().sha256()}"')
        texts.append(f'etag: W/"{g.s(HEX, 32)}"')
        texts.append(f'run_id = "{g.s(string.ascii_lowercase + string.digits, 8)}"')
        texts.append(f'key_prefix = "sk-proj-****{g.s(ALNUM, 4)}"')
    return [Case(t, [], "neg:secret") for t in texts]


# ---------------------------------------------------------------- personal data


def _public_ipv6(g: Gen) -> str:
    while True:
        ip = ipaddress.IPv6Address(g.f().ipv6())
        if ip in ipaddress.IPv6Network("2000::/3") and ip not in ipaddress.IPv6Network(
            "2001:db8::/32"
        ):
            return str(ip) if g.r.random() < 0.5 else ip.exploded


def _spaced_card(g: Gen, num: str) -> str:
    style = g.r.randrange(3)
    if style == 0 or len(num) != 16:
        return num
    sep = " " if style == 1 else "-"
    return sep.join(num[i : i + 4] for i in range(0, 16, 4))


#: How a date of birth is introduced in records, forms and JSON, in the nine locales.
DOB_KEYS = (
    "DOB: ", "D.O.B. ", "Date of Birth - ", "date of birth: ", '"dateOfBirth": "', "birthdate=",
    '"birth_date": "', "Born on ", "Geburtsdatum: ", "geboren am ", "Date de naissance : ",
    "née le ", "Fecha de nacimiento: ", "Data di nascita: ", "Data de nascimento: ",
    "Geboortedatum: ", "Birthday: ",
)  # fmt: skip


def _iban(g: Gen, loc: str) -> str:
    """Faker's en_IN provider emits 21-character "GB" IBANs (one short): use en_GB's."""
    return g.f("en_GB" if loc == "en_IN" else loc).iban()


def _dob(g: Gen, loc: str) -> str:
    d = g.f(loc).date_of_birth(minimum_age=18, maximum_age=90)
    fmt = g.pick(("%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%B %d, %Y", "%d %B %Y"))
    return d.strftime(fmt)


def _phone(g: Gen, loc: str) -> str:
    return g.f(loc).phone_number()


def _name(g: Gen, loc: str) -> str:
    f = g.f(loc)
    return f.name() if g.r.random() < 0.5 else f"{f.first_name()} {f.last_name()}"


def _pii_cases(g: Gen) -> list[Case]:
    out: list[Case] = []
    for i in range(60):
        loc = LOCALES[i % len(LOCALES)]
        f = g.f(loc)
        name = _name(g, loc)
        first = f.first_name()
        email = f.company_email() if g.r.random() < 0.5 else f.free_email()
        phone = _phone(g, loc)
        addr = f.address()
        street = f.street_address()
        iban = _iban(g, loc)
        if g.r.random() < 0.4:
            iban = " ".join(iban[k : k + 4] for k in range(0, len(iban), 4))
        ip4 = f.ipv4_public()
        ip6 = _public_ipv6(g)
        dob = _dob(g, loc)
        ctype = CARD_TYPES[i % len(CARD_TYPES)]
        card = _spaced_card(g, g.f("en_US").credit_card_number(card_type=ctype))
        ssn = g.f("en_US").ssn()
        company, city, job = f.company(), f.city(), f.job()
        forms: list[list[Piece]] = [
            # prompts
            ["Summarize this complaint from ", (name, "person-name"), " (", (email, "email"),
             "). They want a callback on ", (phone, "phone-number"), "."],
            ["Write a polite reply to ", (name, "person-name"),
             " about the late delivery to ", (street, "street-address"), "."],
            ["Hi ", (first, "person-name"), ",\nthanks for your order. We will ship it to\n",
             (addr, "street-address"), "\nRegards,\n", (name, "person-name"), "\n", job, "\n"],
            ["Customer ", (name, "person-name"), " paid with card ", (card, "credit-card"),
             " and asks for a refund."],
            ["Check whether the transfer to IBAN ", (iban, "iban"), " for ",
             (name, "person-name"), " went through."],
            ["The login for ", (email, "email"), " came from ", (ip4, "ip-address"),
             " and then from ", (ip6, "ip-address"), "."],
            ["Patient: ", (name, "person-name"), "\nDOB: ", (dob, "date-of-birth"),
             "\nPhone: ", (phone, "phone-number"), "\n"],
            ["Applicant ", (name, "person-name"), ", born on ", (dob, "date-of-birth"),
             ", SSN ", (ssn, "us-ssn"), ", lives at ", (street, "street-address"), "."],
            # chat / email signature
            ["[09:14] ", (first, "person-name"), ": can you call me at ",
             (phone, "phone-number"), "?\n[09:15] bot: sure\n"],
            ["Thanks for the quick turnaround!\n\nBest regards,\n", (name, "person-name"), "\n",
             job, " | ", company, "\n", (phone, "phone-number"), "\n", (email, "email"), "\n"],
            # bare names, no context word
            [(name, "person-name"), " will present the quarterly numbers on Friday."],
            ["Meeting notes: ", (name, "person-name"), " and ", (_name(g, loc), "person-name"),
             " agreed to ship the model by June."],
            # date of birth in JSON
            ['{"id": ', str(1000 + i), ', "full_name": "', (name, "person-name"),
             '", "date_of_birth": "', (g.f(loc).date_of_birth().isoformat(), "date-of-birth"),
             '", "email": "', (email, "email"), '"}'],
        ]  # fmt: skip
        for form in g.r.sample(forms, 6):
            out.append(case(form, f"pii:{loc}"))
        # CSV rows and dataframe outputs with several records
        rows: list[Piece] = ["customer_id,name,email,phone,city\n"]
        txt: list[Piece] = ["   customer_id               name                       email\n"]
        html: list[Piece] = ["<table class=\"dataframe\"><thead><tr><th>name</th><th>email</th>"
                             "<th>iban</th></tr></thead><tbody>\n"]  # fmt: skip
        for j in range(3):
            n, e, p = _name(g, loc), f.free_email(), _phone(g, loc)
            rows += [f"{j + 1},", (n, "person-name"), ",", (e, "email"), ",",
                     (p, "phone-number"), f",{f.city()}\n"]  # fmt: skip
            txt += [f"{j}  {1000 + j:>11}  ", (n, "person-name"), "  ", (e, "email"), "\n"]
            html += ["<tr><td>", (n, "person-name"), "</td><td>", (e, "email"), "</td><td>",
                     (_iban(g, loc), "iban"), "</td></tr>\n"]  # fmt: skip
        out.append(case(rows, f"csv:{loc}"))
        out.append(case(txt, f"df-text:{loc}"))
        out.append(case([*html, "</tbody></table>"], f"df-html:{loc}"))
        # one labelled value per structured type, bare in output or code
        out.append(case([f"{loc} test row: ", (f.phone_number(), "phone-number")], "phone"))
        out.append(case(['card = "', (card, "credit-card"), '"'], f"card:{ctype}"))
        out.append(case(["ip = '", (ip4, "ip-address"), "'"], "ip"))
        out.append(case(["Send it to ", (f.street_address(), "street-address"), " please."],
                        "address-one-line"))  # fmt: skip
        out.append(case(["Ship to:\n", (f.address(), "street-address"), "\n"],
                        "address-multi-line"))  # fmt: skip
        out.append(case(["She was born ", (dob, "date-of-birth"), " in ", city, "."], "dob"))
        key = g.pick(DOB_KEYS)
        out.append(case([f"{key}", (_dob(g, loc), "date-of-birth"), "\n"], "dob-key"))
        out.append(case([f"Meeting on {_dob(g, loc)}; invoice due {_dob(g, loc)}."], "neg:date"))
        _ = company
    return out


def _pii_negatives(g: Gen) -> list[Case]:
    texts = [
        "numpy==1.26.4\npandas>=2.2.0\ntorch 2.3.1+cu121",
        "Python 3.11.9 (main, Apr  2 2024, 08:25:04) [GCC 12.2.0]",
        "Epoch 3/10 - loss: 0.4213 - accuracy: 0.8875 - val_loss: 0.5120",
        "2024-05-17 14:03:22,118 INFO worker.py:212 -- Started 4 workers on port 8265",
        "The Random Forest beat Logistic Regression on the Test Set.",
        "from sklearn.model_selection import train_test_split\nfrom torch.nn import MaxPool2d",
        "Machine Learning with Large Language Models: Best Practices",
        "See the Getting Started guide and the Release Notes for details.",
        "model = AutoModelForCausalLM.from_pretrained('mistralai/Mistral-7B-v0.1')",
        "df.groupby('Customer Segment')['Total Revenue'].sum()",
        "Julia and Python are both used for numerical computing.",
        "Claude and GPT-4 answered the same prompt differently.",
        "In May the team moved the cluster to a new region.",
        "Time elapsed: 1234.5678 s, throughput 98765.43 tok/s",
        "The meeting is scheduled for 2024-11-05 at 10:30 in Room 4B.",
        "Invoice date: 03/15/2024, due date: 04/14/2024",
        "Updated on March 3, 2021. Released December 12, 2023.",
        "order_id  amount  created_at\n0  100234  19.99  2024-02-01 10:00:00",
        "git checkout 3f9a2b1c and rerun; build 20240517.3 passed",
        "Version 10.4.2.1 of the driver; firmware 4.12.0.7",
        "Spring 2024 release notes. Offering 3 plans; Keyring 2 unlocked.",
        "Install it via Python 3.11 or via Conda 23.",
        "Total: 2 345 678 901 rows, 1 234 567 890 bytes",
        "ISBN 978-3-16-148410-0, DOI 10.1038/s41586-020-2649-2",
        "We ran a Monte Carlo simulation and a Gaussian Process on Costa Rica data.",
        "Offices: San Diego, Santa Clara, Los Angeles, Buenos Aires, Sierra Leone.",
        "Use the Adam optimizer with Max Pooling and Batch Normalization.",
        "The Julia Set and the Mandelbrot Set; Bayes Theorem; Markov Chain Monte Carlo.",
        "Section 3 Data Sources; Step 4 Model Training; Table 2 Summary Statistics",
        "Coordinates +48.8566, +2.3522; offset +0100; lr 0.0003; seed 1234567",
        "Top 10 Street Fighter characters; 5 Star Wars films; 3 Little Pigs",
        "Cell In[12], line 4\n----> 4 df = pd.read_csv(path, sep=';')",
        "p-value 0.000012345; z = -3.1415926535; n = 12 345",
        "Sample size: 1048576; checksum 0xDEADBEEF; 4294967295 max",
    ]
    for _ in range(40):
        f = g.f()
        texts.append(f"Our office in {f.city()} partners with {f.company()}.")
        texts.append(
            f"Timestamp: {f.unix_time():.0f}; request {f.uuid4()}; value {f.pyfloat():.6f}"
        )
        texts.append(f"Created: {f.date_this_decade().isoformat()} by the nightly pipeline")
        texts.append(f"Product: {f.catch_phrase()}")
        texts.append(f"score={g.r.random():.8f} step={g.r.randrange(10**6)} lr=3e-4")
        texts.append(f"Order {g.r.randrange(10**7, 10**8)} shipped at {f.time()} on {f.date()}")
        texts.append(f"{f.bs().title()} with {f.color_name()} {f.word().title()}")
    return [Case(t, [], "neg:pii") for t in texts]


def build_cases(seed: int = 11) -> list[Case]:
    """The whole set, deterministic for a seed."""
    g = Gen(seed)
    return _secret_cases(g) + _secret_negatives(g) + _pii_cases(g) + _pii_negatives(g)





def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms (masked)")
    ap.add_argument("--only", help="only list errors of this group")
    args = ap.parse_args(argv)
    cases = build_cases(args.seed)
    return report(
        "faker set", cases, seed=args.seed, show_errors=args.errors, only_group=args.only
    )


if __name__ == "__main__":
    sys.exit(main())
