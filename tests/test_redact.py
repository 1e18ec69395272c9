"""redact: the one home for what a secret looks like and how it is masked."""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path

import pytest
from pyscan_fixtures import collector_paused

from sorafilm_nb.redact import MASK, find, redact

KEYS = [
    "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0",
    "ghp_" + "a" * 36,
    "AKIA" + "ABCDEFGHIJKLMNOP",
    "AIza" + "x" * 35,
    "key_" + "0123456789abcdef0123456789abcdef",
    "xoxb-" + "1234567890-abcdef",
]


@pytest.mark.parametrize("key", KEYS)
def test_every_credential_shape_is_masked_wherever_it_stands(key: str) -> None:
    text = f"error: the server said ({key}) twice: {key}."
    out = redact(text)
    assert key not in out and out.count(MASK) == 2
    assert out.startswith("error: the server said (")


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("shape", ["make_{}_client", "KEY_{}", "{}_client", "test_{}"])
def test_a_credential_inside_an_identifier_is_masked(key: str, shape: str) -> None:
    """A repository names things after keys (a constant, a test, a generated client): an
    underscore is a word character, so a \\b edge around AKIA... or ghp_... inside
    make_AKIA..._client matched nothing, and the name reached captions, plan.md and the
    prompt unflagged even by lint (issue 11)."""
    name = shape.format(key)
    assert key not in redact(f"calls {name}() first")
    assert any(not p.personal for p, _ in find(name))


def _wide(text: str) -> str:
    """text in fullwidth forms (ｓｋ-ｐｒｏｊ-...): NFKC, which Python applies to identifiers and
    any reader of the text can, turns it back into the key."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in text)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("form", [_wide, lambda k: k[:4] + _wide(k[4:8]) + k[8:]])
def test_a_credential_in_compatibility_characters_is_masked(
    key: str, form: Callable[[str], str]
) -> None:
    """A key written in fullwidth (or mathematical, superscript) letters is the key once
    NFKC-normalised; the shapes matched only the characters as written, so a docstring's
    'ｓｋ-proj-...' went into a caption and the prompt with lint silent (issue 11). A span
    found in the compatibility form masks the same characters of the text."""
    text = f"the key {form(key)} is in the docstring"
    out = redact(text)
    assert out == f"the key {MASK} is in the docstring"
    assert any(not p.personal for p, _ in find(text))


#: Cyrillic and Greek letters an attacker would pick for the ASCII ones they look like.
_LOOK = dict(zip("aceopsxyijABCEHKMOPTX", "асеорѕхуіјАВСЕНКМОРТХ", strict=True)) | {
    "v": "ν",
    "I": "Ι",
}


def _look_alike(text: str) -> str:
    return "".join(_LOOK.get(c, c) for c in text)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize(
    "form",
    [_look_alike, lambda k: _look_alike(k[:5]) + k[5:], lambda k: k[:5] + _look_alike(k[5:])],
)
def test_a_credential_in_look_alike_letters_is_masked(key: str, form: Callable[[str], str]) -> None:
    """'sk-рrој-...' with Cyrillic р, о, ј reads as the key to a person or a video model,
    but no ASCII shape matched it (nor did NFKC help: these are letters of other scripts),
    so a docstring's look-alike key reached captions and the prompt, with lint silent
    (issue 11). Unicode's confusables (data/look_alikes.txt) map each to its ASCII letter."""
    spelt = form(key)
    assert spelt != key
    text = f"the key {spelt} is in the docstring"
    assert redact(text) == f"the key {MASK} is in the docstring"
    from sorafilm_nb.story.lint import scan_text

    assert any(f.rule == "secret-in-prompt" for f in scan_text(text))


#: Characters that hide inside a key: a reader, a video model and terminal.shown (which
#: drops them from captions and plan.md) see the key whole through each.
_HIDING = {
    "zero-width space": "\u200b",
    "soft hyphen": "\u00ad",
    "word joiner": "\u2060",
    "zero-width joiner": "\u200d",
    "right-to-left mark": "\u200f",
    "combining acute": "\u0301",
    "variation selector": "\ufe0f",
    "tag letter": "\U000e0041",
    "NUL": "\x00",
}


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("at", [3, 9, -1], ids=["in-prefix", "in-body", "everywhere"])
@pytest.mark.parametrize("hiding", _HIDING.values(), ids=_HIDING)
def test_a_credential_broken_by_an_invisible_character_is_masked_whole(
    key: str, at: int, hiding: str
) -> None:
    """A zero-width space (soft hyphen, combining mark...) inside a key broke every shape at
    that point: redact masked the part before it, or nothing when it sat in the prefix
    ("sk-" ZWSP "proj-..."), and lint found nothing, while shown() (captions, plan.md) joins
    the key up again. The shapes now read the text as it shows and the mask covers the
    hidden characters with the key's."""
    spelt = hiding.join(key) if at < 0 else key[:at] + hiding + key[at:]
    text = f"the key {spelt} is in the docstring, café"
    assert redact(text) == f"the key {MASK} is in the docstring, café"
    assert redact(text, strict=True) == f"the key {MASK} is in the docstring, café"
    from sorafilm_nb.story.lint import scan_text

    assert any(f.rule == "secret-in-prompt" for f in scan_text(text))


def test_an_environment_secret_broken_by_an_invisible_character_is_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RUNWAYML_API_SECRET", "plain-words-nobody-would-flag")
    text = "echo: plain-words-\u200bnobody-would-flag, and plain-words-nobody-would-flag"
    assert redact(text) == f"echo: {MASK}, and {MASK}"


def test_look_alikes_find_nothing_in_real_non_latin_prose() -> None:
    """Reading Cyrillic, Greek, Armenian... as their Latin look-alikes must not make keys or
    assignments out of real words: zero credential findings in every translated message of
    Django's 98 locales (16,452 strings of prose in 30-odd scripts, ~0.4 s)."""
    import django

    locale = Path(django.__file__).parent / "conf" / "locale"
    texts = [
        line.partition('"')[2].rstrip('"')
        for po in sorted(locale.glob("*/LC_MESSAGES/django.po"))
        for line in po.read_text(encoding="utf-8").splitlines()
        if line.startswith("msgstr") and not line.isascii()
    ]
    assert len(texts) > 10_000
    assert [m.group(0) for t in texts for p, m in find(t) if not p.personal] == []


def test_the_value_of_a_secret_environment_variable_is_masked_whatever_its_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RUNWAYML_API_SECRET", "plain-words-nobody-would-flag")
    assert redact("echo: plain-words-nobody-would-flag") == f"echo: {MASK}"
    assert redact("abc plain words", extra=["plain words"]) == f"abc {MASK}"


def test_personal_data_is_found_for_lint_but_left_in_messages() -> None:
    text = "write to ada@example.org, or see http://localhost:8080/v1"
    assert redact(text) == text
    kinds = {pat.id for pat, _ in find(text)}
    assert {"email", "private-url"} <= kinds


def test_overlapping_matches_are_masked_once_and_short_text_is_untouched() -> None:
    text = "Authorization: Bearer " + "sk-" + "z" * 30
    out = redact(text)
    assert "zzzz" not in out and out.count(MASK) >= 1
    assert redact("sk-2") == "sk-2"
    assert redact("sk-2 is a fine shot name") == "sk-2 is a fine shot name"


PERSONAL = {
    "alice@example.com": "email",
    "/home/alice/secret": "local-path",
    "/Users/alice/work/notes.txt": "local-path",
    "/root/.ssh/id_ed25519": "local-path",
    "C:\\Users\\alice\\secret.txt": "local-path",
    "db.internal": "private-url",
}


@pytest.mark.parametrize(("text", "kind"), PERSONAL.items())
def test_personal_kinds_are_found_and_masked_only_when_strict(text: str, kind: str) -> None:
    line = f"see {text}, then go on."
    assert kind in {pat.id for pat, _ in find(line)}
    assert redact(line) == line  # server text keeps them: useful to its reader
    assert text not in redact(line, strict=True) and MASK in redact(line, strict=True)


def test_assignments_and_connection_strings_are_credentials() -> None:
    text = "DATABASE_PASSWORD=hunter2pass and postgres://u:p@db.internal/x"
    out = redact(text)
    assert "hunter2pass" not in out and "u:p@" not in out
    assert "db.internal" in out  # a host alone is personal, masked only when strict
    assert "db.internal" not in redact(text, strict=True)


def test_a_url_path_is_not_a_local_path() -> None:
    text = "GET https://example.com/users/42 or example.org/home/page"
    assert not [p for p, _ in find(text) if p.id == "local-path"]


def _random_tokens() -> list[str]:
    import base64
    import random
    import string

    rnd = random.Random(7)
    alnum = string.ascii_letters + string.digits
    out = []
    for _ in range(300):
        out.append("".join(rnd.choice(alnum) for _ in range(24)))
        out.append(base64.b64encode(rnd.randbytes(30)).decode())
        out.append(rnd.randbytes(20).hex())
        out.append("".join(rnd.choice(string.ascii_lowercase + string.digits) for _ in range(28)))
    return out


def test_random_looking_tokens_are_found_and_masked_only_when_strict() -> None:
    tokens = _random_tokens()
    found = sum(any(p.id == "high-entropy" for p, _ in find(f"value {t} here")) for t in tokens)
    assert found / len(tokens) > 0.95
    token = "Zx8kQ2mP9vL4rT7wY3nB6cF1"
    assert redact(f"id {token}") == f"id {token}"  # a server's job id may look like this
    assert redact(f"id {token}", strict=True) == f"id {MASK}"


@pytest.mark.parametrize(
    "text",
    [
        "plan 3f9a0c1d2e4b5a67 is ready",  # our own 16-hex plan ids
        "folder plan-91ef8fd111272b1f and a-91ef8fd111272b1f-b7c3d9e1f0a2b4c6",
        "commit 3c186bf and PKCS5_PBKDF2_HMAC_SHA1, HTTPAdapter, test_http2_adapter_v3",
        "id 123e4567-e89b-12d3-a456-426614174000",  # a UUID is an identifier
        "see https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce",
        "Sora2PromptingGuideNotebookV3 and sorafilm_nb.story.plan_lint",
    ],
)
def test_names_digests_and_urls_are_not_random_tokens(text: str) -> None:
    assert not [p for p, _ in find(text) if p.id == "high-entropy"]
    assert redact(text, strict=True) == text


def _python_texts(package: str) -> list[str]:
    """Every identifier (one text per file), docstring and comment of an installed package."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None
    texts: list[str] = []
    for path in sorted(Path(spec.origin).parent.rglob("*.py")):
        texts.extend(_file_texts(path.read_text(encoding="utf-8", errors="replace")))
    return texts


#: The fields of an ast node that hold a name, by node class (each class looked up once).
_NAME_FIELDS: dict[type, tuple[str, ...]] = {}


def _file_texts(source: str) -> list[str]:
    """One file's docstrings, then its identifiers (one text), then its comments."""
    tree = ast.parse(source)
    texts = []
    names = set()
    strings: list[ast.Constant | ast.JoinedStr] = []
    for node in ast.walk(tree):
        kind = type(node)
        fields = _NAME_FIELDS.get(kind)
        if fields is None:
            fields = _NAME_FIELDS[kind] = tuple(
                a for a in ("id", "attr", "name", "arg") if a in kind._fields
            )
        names.update(getattr(node, a) for a in fields)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            texts.append(ast.get_docstring(node) or "")
        elif isinstance(node, (ast.Constant, ast.JoinedStr)):
            strings.append(node)
    texts.append(" ".join(sorted(n for n in names if isinstance(n, str))))
    return texts + _comments(source, strings)


def _comments(source: str, strings: list[ast.Constant | ast.JoinedStr]) -> list[str]:
    """The comments tokenize finds, without tokenizing (pure Python in 3.11: most of the
    Django corpus's time): outside a string, ``#`` starts a comment that runs to the line's
    end, and ast says where every string stands (its positions are UTF-8 byte columns). A
    file where that could mislead (a ``#`` on a line of a string that spans lines: a
    docstring's example, or implicitly joined strings with a comment between them; carriage
    returns, a BOM) is tokenized as before."""
    lines = source.split("\n")
    spans: dict[int, list[tuple[int, int]]] = {}
    plain = "\r" not in source and not source.startswith("\ufeff")
    for node in strings:
        first, last = node.lineno, node.end_lineno
        if first == last:
            spans.setdefault(first, []).append((node.col_offset, node.end_col_offset))
        elif any("#" in lines[i - 1] for i in range(first, last + 1)):
            plain = False
            break
    if not plain:
        return [
            tok.string
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        ]
    out = []
    for number, line in enumerate(lines, 1):
        if "#" not in line:
            continue
        data = line.encode("utf-8", "surrogatepass")
        at = data.find(b"#")
        while at >= 0 and any(a <= at < b for a, b in spans.get(number, ())):
            at = data.find(b"#", at + 1)
        if at >= 0:
            out.append(data[at:].decode("utf-8", "surrogatepass"))
    return out


@pytest.mark.parametrize(
    "package",
    [pytest.param("django", marks=pytest.mark.slow), "requests"],  # Django: ~6 s
)
def test_no_random_token_in_real_code_names_and_prose(package: str) -> None:
    """False positives would block plans of ordinary repositories: zero on Django and requests
    (every identifier, docstring and comment; a few thousand files)."""
    with collector_paused():  # a parse of every file (pyscan_fixtures says why)
        texts = _python_texts(package)
    assert len(texts) > 100
    hits = [m.group(0) for t in texts for p, m in find(t) if p.id == "high-entropy"]
    assert hits == []


_LONG = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"Use {_LONG[:20]}\n    {_LONG[20:]} to connect.", f"Use {MASK} to connect."),
        (f"Use {_LONG[:20]} {_LONG[20:]} to connect.", f"Use {MASK} to connect."),  # a summary
        (f"# key: {_LONG[:20]}\n# {_LONG[20:34]}\n# {_LONG[34:]}\nx = 1", f"# key: {MASK}\nx = 1"),
        (f'k = ("{_LONG[:20]}" +\n     "{_LONG[20:]}")', f'k = ("{MASK}")'),
        (
            "AKIA" + "ABCDEFGHIJKLMNOP and 2024-01-01 v1.2.3 build2024",
            f"{MASK} and 2024-01-01 v1.2.3 build2024",
        ),
    ],
    ids=["docstring", "joined", "comments", "strings", "words-after"],
)
def test_a_credential_wrapped_over_lines_is_masked_to_its_end(text: str, shown: str) -> None:
    """A key wrapped in a docstring, a comment or a string matched only up to the break:
    the rest of it stayed in every printed, logged or saved text (a summary joins the
    lines with a space, so it stayed there too). The mask follows it over the break; the
    words after a key (no digits and letters both, or short) are not its tail."""
    assert redact(text) == shown


_PEM_BODY = (  # random base64, the shape of a key's body (no real key)
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7Qk"
    "rmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/V"
)


def _pem(kind: str, body: str, indent: str = "", headers: str = "") -> str:
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    block = [f"-----BEGIN {kind}PRIVATE KEY-----", *headers.splitlines(), *lines]
    return "\n".join(indent + line for line in [*block, f"-----END {kind}PRIVATE KEY-----"])


@pytest.mark.parametrize(
    "block",
    [
        _pem("RSA ", _PEM_BODY),
        _pem("", _PEM_BODY, indent="    "),  # in a docstring
        _pem("OPENSSH ", _PEM_BODY),
        _pem("RSA ", _PEM_BODY, headers="Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5\n"),
        "-----BEGIN PRIVATE KEY----- " + _PEM_BODY[:80],  # cut short, as a summary is
    ],
    ids=["rsa", "indented", "openssh", "encrypted", "cut-short"],
)
def test_a_private_key_block_is_masked_with_its_body(block: str) -> None:
    """Only the BEGIN line matched: every printed, logged or saved text kept the key's body,
    the key itself, for anyone to paste back between two such lines."""
    out = redact(f"signs with {block} and more")
    indent = block[: len(block) - len(block.lstrip())]
    assert out == f"signs with {indent}{MASK} and more"
    assert not any(_PEM_BODY[i : i + 16] in out for i in range(0, 150, 16))


def test_a_private_key_block_without_its_end_is_read_in_linear_time() -> None:
    """A hostile docstring: BEGIN, then a megabyte with no END (short words, base64 lines,
    header-like lines): each way of reading the body is tried once (~0.5 s a megabyte)."""
    import time

    head = "-----BEGIN PRIVATE KEY-----"
    texts = [head + " a" * 50_000, head + ("\n" + "A" * 63) * 1_600, head + "\nProc: x" * 12_500]
    start = time.process_time()
    for text in texts:
        redact(text)
    assert time.process_time() - start < 5


def test_a_block_of_header_like_lines_is_read_in_one_way() -> None:
    """A header ("Proc-Type: ...") could end at any space inside its line, so a block of
    header-like lines was read 2^n ways: ten of them held redact() for 33 s, twelve for
    hours. Each form is given a subprocess and a generous guard: the engine cannot be
    interrupted, and the fixed pattern answers all three in milliseconds."""
    head = "-----BEGIN PRIVATE KEY-----"
    line = "Proc-Type: " + "ab " * 5
    code = (
        "from sorafilm_nb.redact import redact\n"
        f"line = {line!r}\n"
        "for sep in ('\\n', ' ', '\\\\n'):\n"
        f"    redact({head!r} + sep + (line + sep) * 12 + 'tail')\n"
        "print('done')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout == "done\n", done.stderr


def test_repeated_key_headers_are_read_in_linear_time() -> None:
    """A header ran on through the next "-----BEGIN", so each of 3,000 repeated blocks
    searched to the end of the text for its END: 99 kB took 6 s, a shared page of 165 kB 17 s
    (a reviewer's reproducer). A header stops at a "-----" now: both forms in milliseconds."""
    import time

    head = "-----BEGIN PRIVATE KEY-----"
    start = time.process_time()
    for text in ((head + "\\nA: b") * 3000, (head + "\nA: b ") * 3000):
        assert "[redacted]" in redact(text)
    assert time.process_time() - start < 2  # the old pattern: 6 s each


@pytest.mark.parametrize(
    "block",
    [
        _pem("", _PEM_BODY).replace("\n", "\\n"),
        _pem(
            "RSA ", _PEM_BODY, headers="Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17\n"
        ).replace("\n", "\\n"),
        ("-----BEGIN PRIVATE KEY-----\n" + _PEM_BODY[:80]).replace("\n", "\\n"),
    ],
    ids=["json", "json-encrypted", "json-cut-short"],
)
def test_a_private_key_written_with_escaped_line_breaks_is_masked(block: str) -> None:
    """A service account's JSON holds its key in one string, its lines parted by a written
    "\\n": only the whitespace between lines was read as a break, so the BEGIN line was
    masked and the body, the key itself, stayed."""
    out = redact(f'{{"type": "service_account", "private_key": "{block}\\n", "id": 1}}')
    assert out == f'{{"type": "service_account", "private_key": "{MASK}\\n", "id": 1}}'


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def _b64url_bare(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize(
    "form",
    [_b64, _b64url_bare, lambda k: _b64(f"api_key = {k}\n"), lambda k: _b64(f"user:{k}")],
    ids=["base64", "urlsafe-unpadded", "config-line", "basic-auth-pair"],
)
def test_a_credential_written_in_base64_is_masked(key: str, form: Callable[[str], str]) -> None:
    """A repository writes its key base64'd (a config blob, a Basic auth pair): no shape
    matched "c2stcHJvai1...", so redact() left it for anyone to decode, in `sorafilm analyze
    --json`, the notebook's table, logs. A run of base64 that decodes to ASCII holding a
    credential shape is masked whole."""
    encoded = form(key)
    assert redact(f"the blob {encoded} is in the docstring") == (
        f"the blob {MASK} is in the docstring"
    )


@pytest.mark.parametrize("key", KEYS)
def test_a_credential_in_base64_wrapped_over_lines_is_masked_to_its_end(key: str) -> None:
    """Base64 is wrapped at 64 or 76 characters (a PEM-like blob, MIME, a config file): the
    first line decoded to the key and was masked, the second line kept the rest of what was
    encoded, a decode away. The mask follows it over the break, as a key's own does."""
    encoded = _b64(f"api_key: {key} and then a second line of more words after it")
    text = f"blob:\n    {encoded[:76]}\n    {encoded[76:]}\nend"
    assert redact(text) == f"blob:\n    {MASK}\nend"


def test_base64_of_no_credential_and_real_code_are_left_alone() -> None:
    """Names, digests and base64 of ordinary text stay: requests' every identifier,
    docstring and comment comes out of redact() as it went in."""
    text = f"blob {_b64('just some ordinary words here')} ThisIsAVeryLongIdentifierName"
    assert redact(text) == text
    with collector_paused():
        texts = _python_texts("requests")
    assert [t for t in texts if redact(t) != t and MASK not in t] == []


def test_a_kept_answer_never_outlives_a_secret_variable_set_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # redact keeps its answers for short texts (a ledger writes the same fields again and
    # again); a key exported after the first call must still be masked in the same text
    from sorafilm_nb.redact import SECRET_ENV_VARS

    value = "plainvalue-4711-qq"
    for name in SECRET_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    assert redact(f"job {value}") == f"job {value}"
    monkeypatch.setenv(SECRET_ENV_VARS[0], value)
    assert redact(f"job {value}") == "job [redacted]"
    monkeypatch.delenv(SECRET_ENV_VARS[0])
    assert redact(f"job {value}") == f"job {value}"


def test_the_packaged_shapes_are_valid_and_compile_only_when_asked() -> None:
    """patterns() leaves each packaged regex to its first use (issue 14): the checks a
    user's file gets at load (it compiles, it cannot match the empty string) are made here
    on the packaged file instead, and a text without any shape's required words compiles
    none of those."""
    from sorafilm_nb.datafiles import load_toml, packaged
    from sorafilm_nb.lazyre import LazyPattern
    from sorafilm_nb.redact import parse_patterns

    files = [p for p in packaged("lint").values() if load_toml(p).get("kind") == "patterns"]
    assert files
    for path in files:
        checked = parse_patterns(load_toml(path), str(path))  # raises on a bad pattern
        assert all(not isinstance(p.regex, LazyPattern) for p in checked)
    code = (
        "from sorafilm_nb.lazyre import LazyPattern\n"
        "from sorafilm_nb.redact import find, patterns\n"
        "pats = patterns()\n"
        "assert pats and all(isinstance(p.regex, LazyPattern) for p in pats)\n"
        "list(find('nothing secret here'))\n"
        "gated = [p for p in pats if p.requires]\n"
        "asked = [p for p in gated if any(r in 'nothing secret here' for r in p.requires)]\n"
        "print(len(gated), len(asked), sum(p.regex._compiled is not None for p in gated))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    gated, asked, compiled = map(int, out.stdout.split())
    assert gated >= 20 and asked <= 2 and compiled == asked


def test_a_bad_pattern_in_a_given_file_is_still_refused_at_load() -> None:
    from sorafilm_nb.errors import DataFileError
    from sorafilm_nb.redact import parse_patterns

    bad = {"pattern": [{"id": "x", "kind": "X", "regex": "(unclosed"}]}
    with pytest.raises(DataFileError, match="not a valid regular expression"):
        parse_patterns(bad, "mine.toml")
    empty = {"pattern": [{"id": "y", "kind": "Y", "regex": "a*"}]}
    with pytest.raises(DataFileError, match="empty string"):
        parse_patterns(empty, "mine.toml")


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("https://u:p@gateway.example/v1", f"https://u:{MASK}@gateway.example/v1"),
        ("http://alice:hunter2secret@127.0.0.1:8080", f"http://alice:{MASK}@127.0.0.1:8080"),
        (
            "postgresql://u@db/x?password=pw&sslmode=require",
            f"postgresql://u@db/x?password={MASK}&sslmode=require",
        ),
        ("https://ghp_" + "a" * 36 + "@host/v1?x=1", f"https://{MASK}@host/v1?x=1"),
        ("http://[::1", "http://[::1"),
        ("https://host/a@b", "https://host/a@b"),  # an @ in the path is no user
        ("https://gateway.example/v1", "https://gateway.example/v1"),
        ("gateway.example:8080", "gateway.example:8080"),
    ],
)
def test_a_url_is_shown_without_its_password_but_with_its_user_and_host(
    given: str, shown: str
) -> None:
    from sorafilm_nb.redact import url

    assert url(given) == shown


def test_masks_says_whether_strict_redaction_would_change_the_text() -> None:
    """The one predicate card_facts, gloss_example, gloss_apart and assemble ask before they
    show a README line: a key or an e-mail address passes the line over whole."""
    from sorafilm_nb.redact import masks

    assert masks("import { AKIAIOSFODNN7EXAMPLE } from 'koa'")
    assert masks("write to alice@example.com for help")  # personal: strict only
    assert not masks("import { nanoid } from 'nanoid'")
