"""The metrics of `make eval` (eval/eval_metrics.py) on small hand-made films: fast, offline.

eval/ is not a package (it holds scripts run by `make eval`), so the module is loaded by path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "eval" / "eval_metrics.py"
_spec = importlib.util.spec_from_file_location("eval_metrics", _PATH)
assert _spec is not None and _spec.loader is not None
em = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("eval_metrics", em)
_spec.loader.exec_module(em)

Shot = em.ShotRecord


def shot(i, concept=None, kind="class", file="src/pkg/core.py", **kw):
    """A shot; with concept=None a filler (no cast) unless told otherwise."""
    if concept is None:
        return Shot(index=i, title=kw.pop("title", "Tools"), **kw)
    kw.setdefault("gag_id", f"kitchen.gag-{i}")
    kw.setdefault("score", 20.0)
    return Shot(index=i, concept=concept, kind=kind, file=file, **kw)


def film(*shots, title="Flask", package="pkg"):
    return em.FilmRecord(package=package, title=title, shots=tuple(shots))


CORE = ("Flask", "route", "Request", "request", "render_template", "Blueprint")


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "short"),
    [("Flask.route", "route"), ("axios#get", "get"), ("render_template()", "render_template")],
)
def test_short_name_takes_the_last_part_lower_case(name, short):
    assert em.short_name(name) == short


def test_core_match_is_by_last_part_and_never_a_theme_and_whole_name_for_modules():
    assert em.matches_core("Flask.route", "function", CORE)
    assert em.matches_core("REQUEST", "class", CORE)
    assert not em.matches_core("request", "theme", CORE)  # a docstring word, not the API
    assert not em.matches_core("router.route", "module", CORE)
    assert em.matches_core("route", "module", CORE)
    assert not em.matches_core("get_db", "function", CORE)


# ----------------------------------------------------------------------------- precision


def test_precision_counts_distinct_filmed_concepts():
    f = film(
        shot(0, title="Title card: Flask"),
        shot(1, "Flask"),
        shot(2, "Blueprint"),
        shot(3, "Flask"),  # shown twice, counted once
        shot(4, "render_template", kind="function"),
        shot(5, "NoAppException", kind="exception"),
        shot(6),
    )
    assert em.filmed_names(f) == ["Flask", "Blueprint", "render_template", "NoAppException"]
    assert em.precision(f, CORE) == pytest.approx(0.75)


def test_a_shot_of_siblings_counts_each_name_it_shows():
    """'get, put, patch: sends a request' names three concepts: each counts for core and
    junk as if it had a shot of its own; for precision the family is one filmed concept,
    core when one of its names is."""
    f = film(
        shot(1, "Flask"),
        shot(2, "route", kind="function", also=("render_template", "_private_helper")),
        shot(3, "helper", kind="function", also=("other_helper",)),
        shot(4, "render_template", kind="function"),  # already filmed in shot 2
    )
    assert em.filmed_names(f) == [
        "Flask",
        "route",
        "render_template",
        "_private_helper",
        "helper",
        "other_helper",
    ]
    assert em.precision(f, CORE) == pytest.approx(2 / 3)
    assert em.precision(film(shot(1, "helper", kind="function", also=("Flask",))), CORE) == 1.0
    assert em.core_filmed(f, CORE) == ("Flask", "route", "render_template")
    assert [n for n, _ in em.junk_filmed(f)] == ["_private_helper"]
    assert len(em.concept_shots(f)) == 4


def test_precision_of_a_film_with_no_concepts_is_zero():
    assert em.precision(film(shot(0), shot(1)), CORE) == 0.0


def test_core_filmed_counts_request_and_Request_once():
    f = film(shot(1, "Request"), shot(2, "request", kind="function"), shot(3, "Flask.route"))
    assert em.core_filmed(f, CORE) == ("route", "Request")
    assert len(em.core_filmed(film(shot(1, "request", kind="theme")), CORE)) == 0


# ----------------------------------------------------------------------------- junk


@pytest.mark.parametrize(
    ("s", "why"),
    [
        (shot(1, "_helper", kind="function"), "private"),
        (shot(1, "ctx._AppCtxGlobals"), "private"),
        (
            shot(1, "get_db", kind="function", file="examples/tutorial/flaskr/db.py"),
            "tests/examples/docs",
        ),
        (shot(1, "FakeClient", file="tests/conftest.py"), "tests/examples/docs"),
        (shot(1, "make_app", kind="function", file="lib/__tests__/app.js"), "tests/examples/docs"),
        (shot(1, "helper", kind="function", file="src/test_utils.py"), "tests/examples/docs"),
        (shot(1, "Sphinx", file="docs/conf.py"), "tests/examples/docs"),
        (
            shot(1, "ValueError", kind="exception", summary="raised 4×, caught 1× in 2 files"),
            "built-in",
        ),
        (
            shot(1, "TypeError", kind="exception", file="lib/response.js", summary="raised 1×"),
            "built-in",
        ),
        (shot(1, "versionadded", kind="theme", file=""), "markup"),
        (shot(1, "meth", kind="theme", file=""), "markup"),
        (shot(1, "init_db", kind="function"), "listed junk"),
    ],
)
def test_junk_reasons(s, why):
    assert em.junk_reason(s, extra=("init_db",)) == why


@pytest.mark.parametrize(
    "s",
    [
        shot(1, "Blueprint"),
        # requests defines its own ConnectionError: not a built-in then
        shot(1, "ConnectionError", kind="exception", bases=("RequestException",)),
        shot(1, "HTTPError", kind="exception", summary="An HTTP error occurred."),
        shot(1, "session", kind="theme", file=""),  # not junk, only not core
        shot(1, "Template", file="src/jinja2/environment.py"),
        shot(1, "version", kind="function"),
    ],
)
def test_not_junk(s):
    assert em.junk_reason(s) is None


def test_junk_filmed_lists_each_name_once_with_its_reason():
    f = film(
        shot(1, "versionadded", kind="theme", file=""),
        shot(2, "ValueError", kind="exception", summary="raised 2×"),
        shot(3, "ValueError", kind="exception", summary="raised 2×"),
        shot(4, "Flask"),
    )
    assert em.junk_filmed(f) == (("versionadded", "markup"), ("ValueError", "built-in"))


# ----------------------------------------------------------------------------- title


@pytest.mark.parametrize(
    ("title", "expected", "aliases", "ok"),
    [
        ("Flask", "Flask", (), True),
        ("  flask ", "Flask", (), True),
        ("Commander", "Commander.js", ("Commander",), True),
        ("Commander", "Commander.js", (), False),
        ("$ click", "Click", (), False),  # the README's stylised heading, not the name
        ("\\$ click\\_", "Click", (), False),
        ("Flask is a lightweight WSGI web application framework.", "Flask", (), False),
        ("✨ https://zod.dev ✨", "Zod", (), False),
        ("", "Flask", (), False),
    ],
)
def test_title_must_be_the_name(title, expected, aliases, ok):
    assert em.title_ok(title, expected, aliases) is ok


def test_markdown_escapes_alone_are_forgiven():
    assert em.title_ok("attrs\\", "attrs")


# ----------------------------------------------------------------------------- shares


def test_exception_share_is_over_concept_shots_only():
    f = film(
        shot(0, title="Title card: x"),
        shot(1, "NoAppException", kind="exception"),
        shot(2, "Flask"),
        shot(3, "Blueprint"),
        shot(4, "route", kind="function"),
        shot(5),
        shot(6),
    )
    assert em.exception_share(f) == pytest.approx(0.25)
    assert em.exception_share(film(shot(1))) == 0.0


def test_exception_by_name_only_when_the_kind_is_unknown():
    assert em.is_exception(Shot(index=0, concept="BadPayloadError", kind=None))
    assert not em.is_exception(Shot(index=0, concept="ErrorHandler", kind=None))
    assert not em.is_exception(shot(0, "HTTPError", kind="class"))


@pytest.mark.parametrize(
    ("score", "generic", "flagged", "expected"),
    [
        (2.0, False, None, True),  # a kind fallback's points
        (1.0, False, None, True),  # a beat fallback
        (0.5, False, None, True),  # "same kind" filler choice
        (2.5, False, None, False),
        (119.0, True, None, True),  # a generic metaphor, whatever the score
        (1.0, False, False, False),  # the casting's own flag wins
        (50.0, False, True, True),
        (None, False, None, True),
    ],
)
def test_fallback_level(score, generic, flagged, expected):
    assert em.fallback_level(score, generic=generic, flagged=flagged) is expected


def test_fallback_share():
    f = film(shot(1, "a", fallback=True), shot(2, "b"), shot(3, "c"), shot(4, "d"), shot(5))
    assert em.fallback_share(f) == pytest.approx(0.25)


def test_fallback_share_counts_a_reprised_cast_once():
    # the ending reprises shot 1's cast: the same weak cast seen twice is still one weak cast
    weak = dict(fallback=True, gag_id="kitchen.gag-1")
    f = film(shot(1, "a", **weak), shot(2, "b"), shot(3, "c"), shot(4, "d"), shot(5, "a", **weak))
    assert em.fallback_share(f) == pytest.approx(0.25)


def test_fillers_do_not_count_the_title_card():
    f = film(shot(0, title="Title card: Flask"), shot(1, "Flask"), shot(2), shot(3, title="x"))
    assert em.filler_count(f) == 2


# ----------------------------------------------------------------------------- gag overlap


def test_jaccard():
    assert em.jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert em.jaccard(set(), set()) == 0.0
    assert em.jaccard({"a"}, {"a"}) == 1.0


def test_max_gag_overlap_finds_the_worst_pair():
    def gags(package, *ids):
        return em.FilmRecord(
            package, "t", tuple(shot(i, f"C{i}", gag_id=g) for i, g in enumerate(ids))
        )

    films = [gags("a", "x", "y", "z"), gags("b", "p", "q", "z"), gags("c", "x", "y", "w")]
    value, pair = em.max_gag_overlap(films)
    assert pair == ("a", "c")
    assert value == pytest.approx(2 / 4)
    assert em.max_gag_overlap(films[:1]) == (0.0, None)


# ----------------------------------------------------------------------------- summary


def _good_film(package, gag_prefix):
    return film(
        shot(0, title="Title card: Flask"),
        *[
            shot(i, name, kind="function", gag_id=f"{gag_prefix}-{i}")
            for i, name in enumerate(["Flask", "route", "Request", "render_template"], 1)
        ],
        package=package,
    )


def test_summary_passes_when_every_film_meets_every_target():
    films = [_good_film("a", "a"), _good_film("b", "b")]
    scores = [em.score_film(f, CORE, "Flask") for f in films]
    rows = em.summarize(scores, films)
    assert [r.target for r in rows][-1] == "gag overlap"
    assert all(r.passed for r in rows), rows


def test_summary_fails_a_target_when_one_film_misses_it():
    bad = film(
        shot(0, title="Title card: Flask is a lightweight framework"),
        shot(1, "ValueError", kind="exception", summary="raised 1×", gag_id="a-1"),
        shot(2, "Flask", fallback=True, gag_id="a-2"),
        package="bad",
        title="Flask is a lightweight framework",
    )
    films = [_good_film("a", "a"), bad]  # shares a-1 and a-2: Jaccard 2/4
    scores = [em.score_film(f, CORE, "Flask") for f in films]
    rows = em.summarize(scores, films)
    assert not any(r.passed for r in rows), rows
    assert scores[0].passes() == dict.fromkeys(scores[0].passes(), True)
    assert rows[0].value.startswith("1/2 films")


def test_gag_overlap_needs_two_films_and_does_not_fail_without_them():
    f = _good_film("a", "a")
    row = em.summarize([em.score_film(f, CORE, "Flask")], [f])[-1]
    assert row.target == "gag overlap"
    assert row.passed
    assert "n/a" in row.value


# ----------------------------------------------------------------------------- gallery


def test_gallery_escapes_what_the_repositories_wrote(tmp_path):
    """Every string in the gallery comes from a hostile repository: none may become markup."""
    spec = importlib.util.spec_from_file_location("eval_run", _PATH.with_name("run.py"))
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    f = em.FilmRecord(
        "pkg",
        evil,
        (shot(1, evil, gag=evil, caption=evil, prompt=evil, summary=evil, title=evil),),
    )
    pkg = run.fetch.Package(
        name="pkg", version="1", registry="npm", title="Pkg", core=(evil,), source=evil
    )
    scores = {"pkg": em.score_film(f, pkg.core, pkg.title)}
    out = tmp_path / "gallery.html"
    run.write_gallery(
        out,
        [f],
        scores,
        {"pkg": pkg},
        em.summarize(list(scores.values()), [f]),
        {"sorafilm": evil, "template": "t", "theme": "k", "when": "now"},
    )
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page


# ----------------------------------------------------------------------------- captions


@pytest.mark.parametrize(
    ("concept", "caption", "why"),
    [
        ("Request", "Request: a user-created Request object", "the name called by its kind"),
        ("Client", "Client: a class in httpx._models", "kind and module/owner"),
        ("ky.post", "ky.post: a method of ky", "kind and module/owner"),
        ("Path", "Path: the Path type is similar to the File type", "only compares"),
        ("Context", "Context: a Context", "only the name"),
        (
            "Environment",
            "Environment: the core component of Jinja is the Environment",
            "the name called by its kind",
        ),
        ("Van", "Van", "bare name"),
        ("request", "request: sends an HTTP request", None),
        ("print", "print: print object(s) supplied via positional arguments", None),
        ("Table", "Table: a console renderable to draw a table", None),
    ],
)
def test_a_caption_that_restates_the_name_or_module_is_counted(concept, caption, why):
    assert em.restating_reason(shot(0, concept, caption=caption)) == why


def test_the_film_score_counts_restating_captions_over_concept_shots():
    f = film(
        shot(0, title="Title card"),
        shot(1, "Client", caption="Client: a class in httpx._models"),
        shot(2, "request", caption="request: sends an HTTP request"),
    )
    score = em.score_film(f, CORE, "Flask")
    assert score.restating == (("Client: a class in httpx._models", "kind and module/owner"),)


def test_the_eval_casts_every_other_packaged_theme_too(tmp_path):
    """make eval films the default theme for its table and casts space and heist as well:
    each theme's gag overlap and fallback casts are targets of their own (a theme whose
    gags two films share is found only by casting in it)."""
    spec = importlib.util.spec_from_file_location("eval_run", _PATH.with_name("run.py"))
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    assert run.other_themes(None) == ["heist", "space"]
    assert run.other_themes("space") == ["heist", "kitchen"]

    import sorafilm_nb as sf

    root = tmp_path / "courier"
    (root / "courier").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "courier"\n', encoding="utf-8")
    (root / "courier" / "__init__.py").write_text(
        'def send(parcel):\n    """Sends a parcel to its address."""\n\n\n__all__ = ["send"]\n',
        encoding="utf-8",
    )
    profile = sf.analyze(root, use_cache=False)
    _casting, plan = run.film_in_theme(profile, "space")
    film = run.film_record("courier", plan, profile)
    ids = [s.gag_id for s in film.shots if s.gag_id]
    assert ids and all(i.startswith("space.") for i in ids), ids


def test_restating_captions_say_what_their_concept_had_to_draw_on(capsys):
    """A restating caption whose concept has no text at all is reported as "nothing": the
    caption is not padded, and the eval says so (issue 12, captions that teach)."""
    from sorafilm_nb.analysis.concepts import Concept, RepoProfile

    spec = importlib.util.spec_from_file_location("eval_run", _PATH.with_name("run.py"))
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    mute = Concept("Option", "function", "typer/params.py", 13, "", 1.0)
    told = Concept("URL", "class", "httpx/_urls.py", 15, "url = httpx.URL(...)", 1.0)
    assert run.caption_sources(mute) == []
    assert run.caption_sources(told) == ["summary"]
    profile = RepoProfile("/r", "typer", "Typer", "", (mute, told), 2)
    f = em.FilmRecord(
        "typer",
        "Typer",
        (
            shot(1, "Option", caption="Option: a function in typer.params"),
            shot(2, "URL", caption="URL: a class in httpx._urls"),
        ),
    )
    run.print_restating([em.score_film(f, (), "Typer")], {"typer": profile})
    out = capsys.readouterr().out
    assert "'Option: a function in typer.params' (kind and module/owner); had: nothing" in out
    assert "'URL: a class in httpx._urls' (kind and module/owner); had: summary" in out


# ----------------------------------------------------------------------------- caption variety


def test_captions_that_say_the_same_of_two_names_repeat():
    f = film(
        shot(0, "ZodObject", caption="ZodObject: the ZodType object() returns"),
        shot(1, "ZodBigInt", caption="ZodBigInt: the ZodType bigint() returns"),
        shot(2, "request", kind="module", caption="request: provides helpful methods"),
        shot(3, "response", kind="module", caption="response: provides helpful methods"),
        shot(4, "ZodObject", caption="ZodObject: the ZodType object() returns"),  # a reprise
    )
    assert em.caption_body(f.shots[1]) == ("the", "zodtype", "~", "returns")
    assert em.repeated_captions(f) == (
        "ZodBigInt: the ZodType bigint() returns",
        "response: provides helpful methods",
    )
    assert em.shared_openings(f) == tuple(s.caption for s in f.shots[:4])


def test_a_pair_of_shared_openings_passes_and_a_third_fails():
    a = shot(0, "Request", caption="Request: built from a method and a URL")
    b = shot(1, "Response", caption="Response: built from a status code")
    c = shot(2, "MockTransport", caption="MockTransport: built from a handler")
    d = shot(3, "Client", caption="Client: an HTTP client")
    ok, bad = film(a, b, d, package="ok"), film(a, b, c, d, package="bad")
    assert em.shared_openings(ok) == (a.caption, b.caption)
    assert len(em.shared_openings(bad)) == 3
    rows = {r.target: r for r in em.caption_variety([ok, bad])}
    assert rows["repeated captions"].passed
    opening = rows[f"captions sharing {em.OPENING_WORDS} first words"]
    assert not opening.passed and opening.value == "1/2 films; max 3 (bad)"


def test_caption_variety_counts_for_strict_in_every_theme():
    """A film whose captions read alike fails `eval/run.py --strict` (run.failed_targets),
    in whichever theme it does: the captions now tell such concepts apart."""
    spec = importlib.util.spec_from_file_location("eval_run", _PATH.with_name("run.py"))
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    a = shot(0, "ky.get", caption="ky.get: sets options.method to the method name")
    b = shot(1, "ky.put", caption="ky.put: sets options.method to the method name")
    ok, bad = film(a, package="ok"), film(a, b, package="bad")
    passing = {"default": em.caption_variety([ok]), "heist": em.caption_variety([ok])}
    assert run.failed_targets([], [], [], passing) == []
    failing = {"default": em.caption_variety([ok]), "heist": em.caption_variety([ok, bad])}
    assert run.failed_targets([], [], [], failing) == ["repeated captions (heist)"]


# ----------------------------------------------------------------------------- story variety


def _ending(package, last, props=("bowl of macaroni",)):
    """A two-shot film whose last shot ends on ``last`` (the star's props given)."""
    first = shot(0, "string", props=props, actions=("threads macaroni onto a cord",))
    end = shot(1, "string", props=props, actions=("guests arrive", last))
    return film(first, end, package=package)


def test_films_ending_on_one_picture_are_counted_whatever_prop_they_name():
    """10 of 18 kitchen films ended at the judges' table; each named its own star's prop
    ("every dish fresh from the typewriter"), so the prop words are masked."""
    judges = "the judges hold up a blue ribbon beside the {} and the programmer blushes"
    films = [
        _ending("a", judges.format("bowl of macaroni")),
        _ending("b", judges.format("typewriter"), props=("typewriter", "ribbon spool")),
        _ending("c", "the guests burst into applause; the programmer takes a small bow"),
    ]
    most, which = em.shared_ending(films)
    assert (most, which) == (2, ("a", "b"))
    # two of three may share (never fewer than 2); a quarter of 18 is 5
    assert em.story_variety(films)[0].passed
    assert em.max_shared_endings(18) == 5 and em.max_shared_endings(3) == 2
    assert not em.story_variety([*films, _ending("d", judges.format("kettle"))])[0].passed


def test_a_film_whose_last_shot_has_no_lines_ends_on_nothing():
    bare = film(shot(0, "string"), package="bare")
    assert em.ending_words(bare) == frozenset()
    assert em.shared_ending([bare, bare]) == (0, ())


def test_a_cause_opening_said_twice_in_a_film_is_counted():
    """axios opened two causes "Leaving the ... for a moment" (story.toml's method link
    has two variants and was said three times)."""
    causes = (
        "",
        "Leaving the electric egg beater for a moment,",
        "Having seen to the rolled dough,",
        "Leaving the brown paper grocery parcel for a moment,",
    )
    shots = [shot(i, f"c{i}", cause=c) for i, c in enumerate(causes)]
    assert em.repeated_cause_openings(film(*shots)) == (causes[3],)
    assert em.repeated_cause_openings(film(*shots[:3])) == ()
    rows = em.story_variety([film(*shots, package="axios")])
    assert not rows[1].passed and "(axios)" in rows[1].value


def test_story_variety_counts_for_strict_in_every_theme():
    spec = importlib.util.spec_from_file_location("eval_run_story", _PATH.with_name("run.py"))
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    same = "the judges hold up a blue ribbon and the programmer blushes"
    films = [_ending(p, same) for p in "abc"]
    failing = {"space": em.story_variety(films)}
    assert run.failed_targets([], [], [], failing) == ["films sharing one ending (space)"]
