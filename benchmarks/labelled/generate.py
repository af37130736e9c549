"""A labelled set of secrets, personal data and hard negatives, generated at run time.

Why generated: the repository must scan clean, so no credential-shaped or personal value
may be stored; every value is built from parts by `tests.fakes` with a fixed seed. Each
case embeds values in one of several realistic notebook contexts (code cell, markdown,
printed output, log line, traceback, prompt text, JSON, .env file) and records the exact
span of every value. Hard negatives are texts with nothing to find.

The cases were written before the engine was tuned; contexts are drawn at random per case
so that tuning to one exact string does not pay.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tests import fakes as F

GROUPS = {
    "email": "structured",
    "phone-number": "structured",
    "credit-card": "structured",
    "us-ssn": "structured",
    "iban": "structured",
    "ip-address": "structured",
    "person-name": "names",
    "street-address": "addresses",
    "date-of-birth": "dob",
}


def group_of(type_: str) -> str:
    """The target group a finding type belongs to (secrets unless listed)."""
    return GROUPS.get(type_, "secrets")


@dataclass
class Case:
    """One text with the exact spans it must yield (type per span)."""

    text: str
    labels: list[tuple[int, int, str]] = field(default_factory=list)
    source: str = ""


class _Builder:
    """Builds a text piece by piece, recording where labelled values land."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.labels: list[tuple[int, int, str]] = []
        self.pos = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def value(self, v: str, type_: str) -> None:
        self.labels.append((self.pos, self.pos + len(v), type_))
        self.add(v)

    def case(self, source: str) -> Case:
        return Case("".join(self.parts), self.labels, source)


def _fill(template: str, values: dict[str, tuple[str, str]], source: str) -> Case:
    """`template` with ``{name}`` slots; `values` maps slot -> (value, type or "")."""
    b = _Builder()
    for piece in re.split(r"(\{\{|\}\}|\{[a-z]+\})", template):
        if piece in ("{{", "}}"):
            b.add(piece[0])
        elif piece.startswith("{") and piece.endswith("}") and piece[1:-1] in values:
            v, t = values[piece[1:-1]]
            if t:
                b.value(v, t)
            else:
                b.add(v)
        else:
            b.add(piece)
    return b.case(source)


# ------------------------------------------------------------------ secret positives

#: (type, builder, env var name, provider word) for secrets recognisable by format.
FORMAT_SECRETS: list[tuple[str, Callable[[int], str], str, str]] = [
    (
        "openai-api-key",
        lambda s: F.openai_key(s, ("proj", "svcacct", "admin", "legacy")[s % 4]),
        "OPENAI_API_KEY",
        "openai",
    ),
    ("anthropic-api-key", F.anthropic_key, "ANTHROPIC_API_KEY", "anthropic"),
    ("google-api-key", F.google_api_key, "GOOGLE_API_KEY", "gemini"),
    ("google-oauth-token", F.google_oauth_token, "GOOGLE_TOKEN", "google"),
    ("aws-access-key-id", F.aws_access_key_id, "AWS_ACCESS_KEY_ID", "aws"),
    ("aws-session-token", F.aws_session_token, "AWS_SESSION_TOKEN", "aws"),
    (
        "github-token",
        lambda s: (
            F.github_token(s, ("ghp", "gho", "ghs")[s % 3]) if s % 2 else F.github_fine_grained(s)
        ),
        "GITHUB_TOKEN",
        "github",
    ),
    ("gitlab-token", F.gitlab_token, "GITLAB_TOKEN", "gitlab"),
    (
        "slack-token",
        lambda s: F.slack_token(s, ("xoxb", "xoxp")[s % 2]),
        "SLACK_BOT_TOKEN",
        "slack",
    ),
    ("slack-webhook", F.slack_webhook, "SLACK_WEBHOOK_URL", "slack"),
    (
        "stripe-api-key",
        lambda s: F.stripe_key(s, ("sk_live_", "rk_live_")[s % 2]),
        "STRIPE_SECRET_KEY",
        "stripe",
    ),
    ("huggingface-token", F.huggingface_token, "HF_TOKEN", "huggingface"),
    ("twilio-api-key", F.twilio_key, "TWILIO_API_KEY", "twilio"),
    ("sendgrid-api-key", F.sendgrid_key, "SENDGRID_API_KEY", "sendgrid"),
    ("telegram-bot-token", F.telegram_bot_token, "TELEGRAM_BOT_TOKEN", "telegram"),
    ("pypi-token", F.pypi_token, "PYPI_TOKEN", "pypi"),
    ("npm-token", F.npm_token, "NPM_TOKEN", "npm"),
    ("groq-api-key", F.groq_key, "GROQ_API_KEY", "groq"),
    ("together-api-key", F.together_key, "TOGETHER_API_KEY", "together"),
    ("replicate-api-token", F.replicate_token, "REPLICATE_API_TOKEN", "replicate"),
    ("openrouter-api-key", F.openrouter_key, "OPENROUTER_API_KEY", "openrouter"),
    ("xai-api-key", F.xai_key, "XAI_API_KEY", "xai"),
    ("perplexity-api-key", F.perplexity_key, "PPLX_API_KEY", "perplexity"),
    ("langsmith-api-key", F.langsmith_key, "LANGSMITH_API_KEY", "langsmith"),
    ("pinecone-api-key", F.pinecone_key, "PINECONE_API_KEY", "pinecone"),
    ("jwt", F.jwt, "ACCESS_JWT", "auth"),
]

#: Secrets that only context makes recognisable: (type, builder, env var, provider word).
CONTEXT_SECRETS: list[tuple[str, Callable[[int], str], str, str]] = [
    ("azure-openai-key", F.azure_openai_key, "AZURE_OPENAI_API_KEY", "azure"),
    ("aws-secret-access-key", F.aws_secret_access_key, "AWS_SECRET_ACCESS_KEY", "aws"),
    ("mistral-api-key", F.mistral_key, "MISTRAL_API_KEY", "mistral"),
    ("cohere-api-key", F.cohere_key, "COHERE_API_KEY", "cohere"),
    ("wandb-api-key", F.wandb_key, "WANDB_API_KEY", "wandb"),
    ("deepseek-api-key", F.deepseek_key, "DEEPSEEK_API_KEY", "deepseek"),
]

_SECRET_CONTEXTS = [
    ("code", 'import os\nos.environ["{env}"] = "{v}"\n'),
    ("code", '{word}_client = Client(api_key="{v}", timeout=30)\nresp = {word}_client.ping()\n'),
    ("code", "config = {{\n    '{lenv}': '{v}',\n    'model': 'large',\n}}\n"),
    ("env", "# .env for the demo\n{env}={v}\nDEBUG=1\n"),
    ("shell", "!export {env}={v} && python train.py\n"),
    ("output", "Loaded settings: {{'{lenv}': '{v}', 'retries': 3}}\n"),
    (
        "traceback",
        "AuthenticationError: Error code: 401 - Incorrect key provided for {word}: {v}. "
        "You can find your key at the dashboard.\n",
    ),
    ("markdown", "## Setup\nPaste your {word} key (mine for now: `{v}`) into the cell below.\n"),
    ("prompt", "Why does my {word} call fail? I set {env} to {v} and still get 401.\n"),
    ("json", '{{"provider": "{word}", "{lenv}": "{v}", "region": "us-east-1"}}\n'),
]

_CONTEXT_ONLY_CONTEXTS = [
    ("code", 'import os\nos.environ["{env}"] = "{v}"\n'),
    (
        "code",
        "{word}_settings = {{\n    'api_key': '{v}',\n    'endpoint': 'https://{word}.internal',\n}}\n",
    ),
    ("env", "# {word} credentials\n{env}={v}\n"),
    ("json", '{{"provider": "{word}", "{lenv}": "{v}"}}\n'),
]


def _secret_case(rng: random.Random, seed: int) -> Case:
    if rng.random() < 0.78:
        type_, make, env, word = rng.choice(FORMAT_SECRETS)
        source, tpl = rng.choice(_SECRET_CONTEXTS)
    else:
        type_, make, env, word = rng.choice(CONTEXT_SECRETS)
        source, tpl = rng.choice(_CONTEXT_ONLY_CONTEXTS)
    if type_ == "aws-secret-access-key" and rng.random() < 0.5:
        key_id = F.aws_access_key_id(seed)
        return _fill(
            "import boto3\ns3 = boto3.client('s3', aws_access_key_id='{id}',\n"
            "    aws_secret_access_key='{v}')\n",
            {"id": (key_id, "aws-access-key-id"), "v": (make(seed), type_)},
            "code",
        )
    vals = {
        "v": (make(seed), type_),
        "env": (env, ""),
        "lenv": (env.lower(), ""),
        "word": (word, ""),
    }
    return _fill(tpl, vals, f"secret/{source}")


def _structural_secret_case(rng: random.Random, seed: int) -> Case:
    kind = rng.randrange(6)
    if kind == 0:
        pem = F.private_key_pem(seed, rng.choice(("RSA", "EC", "OPENSSH", "")))
        return _fill("key_pem = '''{v}'''\n", {"v": (pem, "private-key")}, "secret/pem")
    if kind == 1:
        sa = F.service_account_json(seed)
        start = sa.index("-----BEGIN")
        end = sa.index("-----", sa.index("-----END") + 5) + 5
        return Case(sa, [(start, end, "private-key")], "secret/service-account")
    if kind == 2:
        url = F.url_with_password(seed, rng.choice(("postgresql", "mysql", "mongodb+srv", "redis")))
        pw_start = url.index(":", url.index("://") + 3) + 1
        pw_end = url.index("@")
        b = _Builder()
        b.add('engine = create_engine("' + url[:pw_start])
        b.value(url[pw_start:pw_end], "url-credentials")
        b.add(url[pw_end:] + '")\n')
        return b.case("secret/url")
    if kind == 3:
        header = F.bearer_header(seed)
        tok = header.split()[-1]
        return _fill(
            "curl -H 'Authorization: Bearer {t}' https://api.internal.corp/v1/items\n",
            {"t": (tok, "authorization-header")},
            "secret/header",
        )
    if kind == 4:
        v = F.generic_secret(seed)
        name = rng.choice(("internal_api_key", "service_token", "client_secret", "SIGNING_SECRET"))
        return _fill(
            '{n} = "{v}"\n', {"n": (name, ""), "v": (v, "generic-secret")}, "secret/generic"
        )
    v = F.generic_secret(seed + 1)[:14] + "!"
    return _fill(
        'db_password = "{v}"\nconnect(host, user, db_password)\n',
        {"v": (v, "generic-secret")},
        "secret/password",
    )


# ------------------------------------------------------------------ personal data positives

_PII_CONTEXTS = {
    "email": [
        "Please reply to {v} by Friday.",
        'df.loc[3, "contact"] = "{v}"',
        "From: {v}\nSubject: invoice",
        "Send the summary to {v} and cc the team.",
        "   user_id  email\n0  1041     {v}",
    ],
    "phone-number": [
        "Call me at {v} after 5pm.",
        "phone: {v}",
        "Customer phone number {v} (mobile).",
        '{{"name": "support", "tel": "{v}"}}',
        "Reach the on-call engineer on {v}.",
    ],
    "credit-card": [
        "My card {v} was charged twice.",
        "card_number = '{v}'",
        "Payment with {v} declined.",
        "Card on file: {v}, exp 09/27",
        "txn 8831 card={v} amount=19.99",
    ],
    "us-ssn": [
        "SSN: {v}",
        "Her social security number is {v}.",
        "ssn={v}",
        "Applicant ID {v} (SSN) attached.",
        "| {v} | approved |",
    ],
    "iban": [
        "Please transfer to IBAN {v}.",
        "iban = '{v}'",
        "Account: {v} (Deutsche Bank)",
        "Refund to {v} within 5 days.",
    ],
    "ip-address": [
        "Login from {v} at 03:12 UTC.",
        "client_ip = '{v}'",
        "GET /admin 403 - {v}",
        "The request came from {v}, flagged by the WAF.",
    ],
    "street-address": [
        "Ship it to {v}.",
        "address: {v}",
        "She lives at {v} with two cats.",
        "Our office moved to {v} last spring.",
    ],
    "date-of-birth": [
        "DOB: {v}",
        "date_of_birth = '{v}'",
        "The patient was born on {v}.",
        "Date of birth: {v}",
        '{{"dob": "{v}"}}',
    ],
}

_PII_MAKERS: dict[str, Callable[[int], str]] = {
    "email": F.email,
    "phone-number": lambda s: F.phone_us(s) if s % 3 else F.phone_intl(s),
    "credit-card": F.credit_card,
    "us-ssn": F.ssn,
    "iban": F.iban,
    "ip-address": lambda s: F.public_ipv4(s) if s % 4 else F.public_ipv6(s),
    "street-address": lambda s: _address(s),
    "date-of-birth": F.date_of_birth,
}


def _address(seed: int) -> str:
    r = random.Random(seed)
    if seed % 5 == 0:
        street = r.choice(("Haupt", "Bahnhof", "Goethe", "Linden", "Schiller"))
        return (
            f"{street}{r.choice(('straße', 'str.', 'weg'))} {r.randrange(1, 120)}, "
            f"{r.randrange(10000, 99999)} {r.choice(('Berlin', 'Hamburg', 'Köln'))}"
        )
    if seed % 7 == 0:
        return (
            f"{r.randrange(1, 80)} rue {r.choice(('de la Paix', 'Victor Hugo', 'du Bac'))}, "
            f"{r.randrange(75001, 75020)} Paris"
        )
    return F.street_address(seed)


#: Names outside the US census lists, so recall is not measured on list names alone.
WORLD_NAMES = [
    ("Priya", "Raman"),
    ("Wei", "Zhang"),
    ("Olusegun", "Adeyemi"),
    ("Sven", "Lindqvist"),
    ("Aiko", "Tanaka"),
    ("Mateus", "Oliveira"),
    ("Fatima", "Haddad"),
    ("Dmitri", "Volkov"),
    ("Siobhan", "Gallagher"),
    ("Kwame", "Mensah"),
    ("Ingrid", "Bakker"),
    ("Tomasz", "Nowak"),
]

_NAME_CONTEXTS = [
    "Dear {first},\nthank you for your order.",
    "Hi {first}, can you check the numbers?",
    "Mr. {last} asked for a refund.",
    "Dr. {full} will review the scan.",
    "My name is {full} and I need help with my account.",
    "name: {full}\nage: 42",
    '{{"name": "{full}", "plan": "pro"}}',
    "Best,\n{first}",
    "Kind regards,\n{full}",
    "Patient {full} reported mild symptoms.",
    "Email from {full} about the contract.",
    "{full} joined the analytics team in March.",
    "Notes: {full} presented the Q3 results.",
    "Assigned to {full}",
    "The report was written by {full}.",
    "customer_name = '{full}'",
    "Thanks,\n{first}",
]


def _name_case(rng: random.Random, seed: int) -> Case:
    if rng.random() < 0.2:
        first, last = rng.choice(WORLD_NAMES)
    else:
        first, last = F.first_name(seed), F.last_name(seed)
    tpl = rng.choice(_NAME_CONTEXTS)
    vals = {
        "first": (first, "person-name"),
        "last": (last, "person-name"),
        "full": (f"{first} {last}", "person-name"),
    }
    return _fill(tpl, vals, "pii/person-name")


def _pii_case(rng: random.Random, seed: int) -> Case:
    type_ = rng.choice(sorted(_PII_CONTEXTS))
    tpl = rng.choice(_PII_CONTEXTS[type_])
    case = _fill(tpl, {"v": (_PII_MAKERS[type_](seed), type_)}, f"pii/{type_}")
    wrap = rng.randrange(3)
    if wrap == 0:  # inside a prompt string in a code cell
        pre = (
            'response = client.chat.completions.create(model="gpt-4o", messages=[\n'
            '    {"role": "user", "content": """'
        )
        post = '"""}])\n'
    elif wrap == 1:  # printed output
        pre, post = "Out[7]: ", "\n"
    else:
        pre, post = "", ""
    return Case(
        pre + case.text + post,
        [(s + len(pre), e + len(pre), t) for s, e, t in case.labels],
        case.source,
    )


# ------------------------------------------------------------------ hard negatives


def _negatives(seed: int) -> list[Case]:
    r = random.Random(seed)
    sha = "".join(r.choice("0123456789abcdef") for _ in range(40))
    uuid = "-".join(
        "".join(r.choice("0123456789abcdef") for _ in range(n)) for n in (8, 4, 4, 4, 12)
    )
    b64 = "".join(
        r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        for _ in range(400)
    )
    texts = [
        *(f'client = OpenAI(api_key="{p}")' for p in F.placeholder_keys()),
        'api_key = os.environ["OPENAI_API_KEY"]',
        "key = os.getenv('ANTHROPIC_API_KEY')",
        "from google.colab import userdata\nkey = userdata.get('GEMINI_API_KEY')",
        f"aws_access_key_id = '{F.aws_documentation_key_id()}'",
        f"aws_secret_access_key = '{F.aws_documentation_secret()}'",
        f"stripe.js publishable key: {F.stripe_publishable(seed)}",
        f"request_id = '{uuid}'",
        f"commit {sha}\nAuthor: CI bot",
        f"sha1: {sha}",
        f"![plot](data:image/png;base64,{b64})",
        'model = "gpt-4o-mini-2024-07-18"',
        'MODEL = "claude-3-5-sonnet-20241022"',
        "torch==2.3.1+cu121, numpy 1.26.4",
        f"card: {F.luhn_invalid_card(seed)}",
        "SSN: 123-45-6789 (example from the docs)",
        f"iban = '{F.bad_iban(seed)}'",
        "Contact us at support@example.com or jane@test.invalid",
        "server at 192.168.1.20, gateway 10.0.0.1, docs use 203.0.113.7 and 2001:db8::1",
        "listening on 127.0.0.1:8888 and ::1",
        "Python 3.11.7 (main, Dec 2023)",
        "In May we shipped the Julia port; Claude and Gemini were compared.",
        "## Data Science with New York taxi data\nMachine Learning on Random Forest models.",
        "Dear Sir or Madam,\nplease find the report attached.",
        "Hi team,\nthe build is green.",
        "Best,\nThe Data Platform Team",
        "name: Linear Regression\nscore: 0.91",
        "Run 10 epochs with batch size 32 and learning rate 0.001.",
        "created_at = '2024-03-12'  # release date",
        "Order #48213 total 129.99 USD",
        "array([ 1,  2,  3,  4,  5,  6,  7,  8,  9, 10])",
        "shape: (60000, 28, 28)",
        "Call 555-0134 in the film script.",
        "timestamp 1700000000123",
        "password = os.environ['DB_PASSWORD']",
        "token = get_token(scope='read')",
        "Authorization: Bearer {token}",
        "headers = {'Authorization': f'Bearer {api_key}'}",
        "pip install transformers==4.41.2 accelerate>=0.30",
        "version = '2.14.0.1'",
        "Released on May 5, 2023 at Google Cloud Next in San Francisco.",
        "Grace period ends in June; Will Power stats are in the appendix.",
        f"cache_key = 'user_profile_v2_{seed}'",
        "secret_name = 'prod/db/credentials'",
        "The table lists 12 Main results and 3 Key findings.",
        "git@github.com:org/repo.git",
        "logo@2x.png",
        "See Figure 3 in Section 4.2.1.",
        "Jupyter Notebook and Visual Studio Code both work.",
    ]
    return [Case(t, [], "negative") for t in texts]


#: Realistic notebook text with nothing to find (cookbook prose, code, outputs, logs).
NOTEBOOK_NEGATIVES = [
    "rng = np.random.default_rng(2147483647)\nMAX_BYTES = 8589934592\n"
    "df.loc[df.user_id == 7034561234, 'size'] = 5368709120",
    "import pandas as pd\nimport numpy as np\n"
    "from sklearn.model_selection import train_test_split\n"
    "df = pd.read_csv('data/titanic.csv')\ndf.head()",
    "   PassengerId  Survived  Pclass     Sex   Age  Cabin\n"
    "0            1         0       3    male  22.0    C85",
    "Epoch 1/10\n1875/1875 [==============================] - 4s 2ms/step - loss: 0.2941 - "
    "accuracy: 0.9143 - val_loss: 0.1412",
    "## Retrieval-Augmented Generation\nIn this notebook we build a RAG pipeline with LangChain, "
    "Chroma and the OpenAI Embeddings API. We use Project Gutenberg books as the corpus.",
    'response = client.chat.completions.create(\n    model="gpt-4o",\n    messages=[{"role": '
    '"system", "content": "You are a helpful assistant."}],\n    temperature=0.2,\n)',
    "ChatCompletion(id='chatcmpl-9abcDEF123ghiJKL456', "
    "choices=[Choice(finish_reason='stop', index=0)], "
    "created=1718000000, model='gpt-4o-2024-05-13', usage=CompletionUsage(completion_tokens=42, "
    "prompt_tokens=17, total_tokens=59))",
    "Traceback (most recent call last):\n"
    '  File "/usr/lib/python3.11/site-packages/httpx/_client.py",'
    " line 1015, in send\nhttpx.ConnectTimeout: timed out",
    "The Transformer architecture (Vaswani et al., 2017) replaced recurrence with attention. "
    "Later, BERT and GPT-2 showed that pre-training scales.",
    "Mean Absolute Error: 3.27\nRoot Mean Squared Error: 4.91\nR2 Score: 0.873",
    "fig, ax = plt.subplots(figsize=(10, 6))\nax.set_title('Monthly Active Users, 2019-2024')",
    "Downloading model.safetensors: 100%|██████████| 548M/548M [00:12<00:00, 45.2MB/s]",
    "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)\n"
    'INFO:     127.0.0.1:53422 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
    "Our results on the Stanford Question Answering Dataset (SQuAD v1.1) match the Hugging Face "
    "leaderboard. See the Google Colab link for details.",
    "Columns: Date, Open, High, Low, Close, Adj Close, Volume\n2023-01-03  130.28  130.90  124.17",
    "Reading Comprehension with Large Language Models: A Survey by the Allen Institute.",
    "embedding = model.encode(['How do I reset my password?', 'Where is my order?'])",
    "with open('config.yaml') as fh:\n    cfg = yaml.safe_load(fh)\nprint(cfg['training']['lr'])",
    "The Monte Carlo estimate converges as 1/sqrt(N); with N = 10000 samples the error is ~1%.",
    "Kaggle competition: Home Credit Default Risk. Public leaderboard score 0.79432.",
    "%pip install -q openai==1.40.0 tiktoken langchain-community faiss-cpu",
    "tokenizer = AutoTokenizer.from_pretrained('meta-llama/Meta-Llama-3-8B-Instruct')",
    "Saved checkpoint to runs/exp42/checkpoint-1500 (step 1500, loss 1.2034)",
    "West Virginia, North Carolina and South Dakota had the largest changes.",
    "Best model: XGBoost with max_depth=6, n_estimators=400 (AUC 0.912).",
    "We thank the reviewers. Thanks to Hugging Face for compute credits.",
    "session_id = 'a1b2c3d4'\nthread_id = run.thread_id\nassistant_id = assistant.id",
    "tiktoken.encoding_for_model('gpt-4o').encode('Hello, World!')",
    "Price per 1M tokens: input $2.50, output $10.00 (as of 2024-08-06).",
    "Dataset: New York City Taxi Trips, January 2023 (3,066,766 rows)",
    'model_key = "meta-llama/Llama-2-7b-chat-hf"\npad_token = "[PAD]"\neos_token = "</s>"',
    "tokenizer.pad_token = tokenizer.eos_token\nspecial_tokens = {'sep_token': '<|sep|>'}",
    'secret_name = "projects/demo-123/secrets/openai-key/versions/latest"',
    "Jan Feb Mar Apr\n12.1 13.4 15.0 16.2",
    "ENDPOINT = 'https://my-resource.openai.azure.com/'\nDEPLOYMENT = 'gpt-4o-prod'",
]


def build_cases(
    seed: int = 7,
    n_secrets: int = 300,
    n_pii: int = 300,
    n_names: int = 150,
    n_negative_rounds: int = 4,
) -> list[Case]:
    """The labelled set: positives over every type plus hard negatives, reproducibly."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for i in range(n_secrets):
        maker = _structural_secret_case if rng.random() < 0.2 else _secret_case
        cases.append(maker(rng, seed * 100_000 + i))
    for i in range(n_pii):
        cases.append(_pii_case(rng, seed * 100_000 + 50_000 + i))
    for i in range(n_names):
        cases.append(_name_case(rng, seed * 100_000 + 70_000 + i))
    for k in range(n_negative_rounds):
        cases.extend(_negatives(seed * 10 + k))
    cases.extend(Case(t, [], "negative/notebook") for t in NOTEBOOK_NEGATIVES)
    return cases
