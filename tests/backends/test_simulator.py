"""The simulator over raw HTTP: shapes validated against OpenAI's own OpenAPI spec.

These tests speak HTTP with the stdlib (no SDK), so they see exactly what the simulator
sends: status codes, headers, bodies. tests/backends/test_openai_backend.py drives the real SDK.
The spec copy in tests/backends/spec/ is OpenAI's (openai/openai-openapi f85dbe2, MIT).
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sim_fixtures import *  # noqa: F403 - the simulator fixtures

from sorafilm_nb.backends._sim_state import SIMULATOR_HEADER
from sorafilm_nb.backends.simulator import Fault, Simulator
from sorafilm_nb.render import probe

SPEC = Path(__file__).parent / "spec" / "openai-videos.openapi.yaml"


@cache
def _openapi() -> Any:
    from openapi_core import OpenAPI

    return OpenAPI.from_file_path(str(SPEC))


@cache
def _spec() -> Any:
    import yaml

    return yaml.safe_load(SPEC.read_text())


@cache
def _error_validator() -> Any:
    from openapi_schema_validator import OAS31Validator

    return OAS31Validator(
        {"$ref": "#/components/schemas/ErrorResponse", "components": _spec()["components"]}
    )


@pytest.fixture(scope="module", autouse=True)
def _spec_loaded() -> None:
    """Load the spec (a few seconds) before any test starts a clock."""
    _openapi()
    _error_validator()


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    sim: Simulator,
    method: str,
    path: str,
    *,
    body: Any = None,
    key: str | None = "",
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    validate: bool = True,
) -> Reply:
    """One HTTP request to the simulator; 2xx replies are validated against the spec, error
    replies against the API's ErrorResponse schema."""
    url = urlsplit(sim.base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    hdrs = dict(headers or {})
    if key is not None:
        hdrs["Authorization"] = f"Bearer {key or sim.api_key}"
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    full = "/v1" + path
    conn.request(method, full, body=data, headers=hdrs)
    resp = conn.getresponse()
    reply = Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    conn.close()
    if validate:
        check_against_spec(method, full, reply)
    return reply


def check_against_spec(method: str, full_path: str, reply: Reply) -> None:
    if reply.status >= 400:
        _error_validator().validate(reply.json())
        return
    from openapi_core.testing import MockRequest, MockResponse

    path, _, query = full_path.partition("?")
    args = dict(p.split("=", 1) for p in query.split("&") if p)
    ctype = reply.headers["content-type"]
    if ctype != "application/json":  # media: the spec gives content types, not schemas
        declared = _spec()["paths"]["/videos/{video_id}/content"]["get"]["responses"]["200"]
        assert path.endswith("/content") and ctype in declared["content"], ctype
        return
    # the API's host, so the spec's `servers` entry matches; the path is ours
    request = MockRequest("https://api.openai.com", method.lower(), path, args=args)
    response = MockResponse(
        reply.body, status_code=reply.status, headers=reply.headers, content_type=ctype
    )
    _openapi().validate_response(request, response)


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    return (
        "".join(parts) + f"--{boundary}--\r\n"
    ).encode(), f"multipart/form-data; boundary={boundary}"


def create(sim: Simulator, **fields: str) -> dict[str, Any]:
    fields.setdefault("prompt", "A lighthouse keeper polishes the lens.")
    reply = call(sim, "POST", "/videos", body=fields)
    assert reply.status == 200, reply.body
    return reply.json()  # type: ignore[no-any-return]


def wait_done(sim: Simulator, job_id: str, timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        video = call(sim, "GET", f"/videos/{job_id}").json()
        if video["status"] in ("completed", "failed"):
            return video  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, video
        time.sleep(0.05)


# ---------------------------------------------------------------- create


def test_create_json_returns_a_full_video_object(simulator: Simulator) -> None:
    video = create(simulator, model="sora-2-pro", seconds="8", size="1792x1024")
    assert video["object"] == "video" and video["id"].startswith("video_")
    assert (video["model"], video["seconds"], video["size"]) == ("sora-2-pro", "8", "1792x1024")
    assert video["status"] == "queued" and video["progress"] == 0
    for key in ("completed_at", "expires_at", "remixed_from_video_id", "error"):
        assert key in video and video[key] is None
    assert abs(video["created_at"] - time.time()) < 5


def test_create_multipart_like_the_sdk_and_defaults(simulator: Simulator) -> None:
    data, ctype = multipart({"prompt": "A cat at a piano."})
    reply = call(simulator, "POST", "/videos", raw=data, headers={"Content-Type": ctype})
    assert reply.status == 200
    video = reply.json()
    assert (video["model"], video["seconds"], video["size"], video["prompt"]) == (
        "sora-2",
        "4",
        "720x1280",
        "A cat at a piano.",
    )


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"seconds": "10"}, "seconds"),
        ({"seconds": "0"}, "seconds"),
        ({"size": "1920x1080"}, "size"),
        ({"size": "1024x1792"}, "size"),  # legal only on sora-2-pro
        ({"model": "sora-3"}, "model"),
        ({"prompt": ""}, "prompt"),
    ],
)
def test_illegal_create_is_a_400_naming_the_param(
    simulator: Simulator, fields: dict[str, str], param: str
) -> None:
    body = {"prompt": "A cat.", **fields}
    reply = call(simulator, "POST", "/videos", body=body)
    assert reply.status == 400
    error = reply.json()["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error"
    assert simulator.jobs() == []


def test_a_missing_field_is_the_apis_missing_parameter(simulator: Simulator) -> None:
    """A create without a prompt, an extension without its video: the API's own 400 (one
    writer, _sim_state.missing), naming the field and, for the video, what needs it."""
    for path, body, param, message in (
        ("/videos", {}, "prompt", "Missing required parameter: 'prompt'."),
        (
            "/videos/extensions",
            {"prompt": "on", "seconds": "4"},
            "video",
            "Missing required parameter: 'video' (extensions needs the id of a completed video).",
        ),
    ):
        error = call(simulator, "POST", path, body=body).json()["error"]
        assert error["message"] == message and error["param"] == param
        assert error["code"] == "missing_required_parameter"
    assert simulator.jobs() == []


def test_json_reference_object_needs_one_of_url_or_file_id(simulator: Simulator) -> None:
    ok = call(
        simulator,
        "POST",
        "/videos",
        body={
            "prompt": "A cat.",
            "input_reference": {"image_url": "https://example.invalid/a.png"},
        },
    )
    assert ok.status == 200
    for ref in ({}, {"image_url": "https://example.invalid/a.png", "file_id": "file-1"}):
        bad = call(simulator, "POST", "/videos", body={"prompt": "A cat.", "input_reference": ref})
        assert bad.status == 400 and bad.json()["error"]["param"] == "input_reference"


def test_too_long_prompt_and_bad_json_are_400(simulator: Simulator) -> None:
    reply = call(simulator, "POST", "/videos", body={"prompt": "x" * 32001})
    assert reply.status == 400 and reply.json()["error"]["param"] == "prompt"
    reply = call(
        simulator, "POST", "/videos", raw=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert reply.status == 400 and "JSON" in reply.json()["error"]["message"]


# ---------------------------------------------------------------- auth


def test_missing_or_wrong_key_is_401_and_the_key_is_never_echoed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "sk-test-" + uuid.uuid4().hex
    caplog.set_level(logging.DEBUG, logger="sorafilm_nb")
    with Simulator(api_key=secret, job_seconds=0.1, render=False) as sim:
        assert call(sim, "GET", "/videos", key=None).status == 401
        wrong = call(sim, "GET", "/videos", key="sk-wrong-" + uuid.uuid4().hex)
        assert wrong.status == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
        assert b"sk-wrong" not in wrong.body
        ok = call(sim, "POST", "/videos", key=secret, body={"prompt": "A cat."})
        assert ok.status == 200 and secret.encode() not in ok.body
        assert secret not in repr(sim)
        assert any("POST /v1/videos" in r.getMessage() for r in caplog.records)
    assert secret not in caplog.text


def test_auth_is_checked_before_the_body(simulator: Simulator) -> None:
    reply = call(
        simulator,
        "POST",
        "/videos",
        key=None,
        raw=b"{broken",
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 401


def test_any_nonempty_key_is_accepted_by_default(simulator: Simulator) -> None:
    assert call(simulator, "GET", "/videos", key="whatever").status == 200
    assert (
        call(simulator, "GET", "/videos", headers={"Authorization": "Bearer "}, key=None).status
        == 401
    )


# ---------------------------------------------------------------- lifecycle and content


def test_job_moves_through_states_with_a_poll_hint() -> None:
    with Simulator(job_seconds=1.0, poll_after_ms=50, render_scale=0.2) as sim:
        _states_and_hint(sim)


def _states_and_hint(simulator: Simulator) -> None:
    video = create(simulator, seconds="4", size="1280x720")
    seen = []
    while True:
        reply = call(simulator, "GET", f"/videos/{video['id']}")
        assert reply.headers["openai-poll-after-ms"] == "50"
        body = reply.json()
        seen.append((body["status"], body["progress"]))
        if body["status"] == "completed":
            break
        time.sleep(0.02)
    statuses = [s for s, _ in seen]
    assert statuses[0] in ("queued", "in_progress") and statuses[-1] == "completed"
    assert "in_progress" in statuses
    progress = [p for _, p in seen]
    assert progress == sorted(progress) and progress[-1] == 100
    assert body["completed_at"] >= body["created_at"]
    assert body["expires_at"] > body["completed_at"]


def test_content_variants_are_real_media(simulator: Simulator, tmp_path: Path) -> None:
    video = create(simulator, seconds="8", size="720x1280")
    assert wait_done(simulator, video["id"])["status"] == "completed"
    mp4 = call(simulator, "GET", f"/videos/{video['id']}/content?variant=video")
    assert mp4.headers["content-type"] == "video/mp4"
    assert int(mp4.headers["content-length"]) == len(mp4.body) > 1000
    (tmp_path / "v.mp4").write_bytes(mp4.body)
    info = probe(tmp_path / "v.mp4")
    assert info.codec == "h264" and info.pix_fmt == "yuv420p"
    assert abs(info.duration - 8.0) < 0.05
    assert info.width * 1280 == info.height * 720  # portrait, the requested aspect
    thumb = call(simulator, "GET", f"/videos/{video['id']}/content?variant=thumbnail")
    assert thumb.headers["content-type"] == "image/webp"
    assert thumb.body[:4] == b"RIFF" and thumb.body[8:12] == b"WEBP"
    # the spec lists only mp4/webp/json for content; the spritesheet is a JPEG, as the
    # API's is, so its reply is checked by hand rather than against the spec
    sheet = call(
        simulator, "GET", f"/videos/{video['id']}/content?variant=spritesheet", validate=False
    )
    assert sheet.status == 200 and sheet.headers["content-type"] == "image/jpeg"
    assert sheet.body[:3] == b"\xff\xd8\xff"
    bad = call(simulator, "GET", f"/videos/{video['id']}/content?variant=gif")
    assert bad.status == 400 and bad.json()["error"]["param"] == "variant"


def test_unfinished_jobs_have_no_content_and_cannot_be_remixed() -> None:
    with Simulator(job_seconds=60, render=False) as sim:
        video = create(sim)
        reply = call(sim, "GET", f"/videos/{video['id']}/content")
        assert reply.status == 400 and reply.json()["error"]["code"] == "video_not_ready"
        remix = call(sim, "POST", f"/videos/{video['id']}/remix", body={"prompt": "again"})
        assert remix.status == 400 and remix.json()["error"]["param"] == "video"
        ext = call(
            sim,
            "POST",
            "/videos/extensions",
            body={"video": {"id": video["id"]}, "prompt": "on", "seconds": "4"},
        )
        assert ext.status == 400 and ext.json()["error"]["code"] == "invalid_state"
        assert len(sim.jobs()) == 1


def test_moderation_marker_and_pattern_fail_the_job() -> None:
    with Simulator(job_seconds=0.05, refuse_pattern=r"(?i)charlie chaplin", render=False) as sim:
        marked = create(sim, prompt="A tramp [refuse] twirls a cane.")
        named = create(sim, prompt="Charlie Chaplin eats a boot.")
        fine = create(sim, prompt="A tramp eats a boot.")
        for video in (marked, named):
            done = wait_done(sim, video["id"])
            assert done["status"] == "failed"
            assert done["error"]["code"] == "moderation_blocked"
            content = call(sim, "GET", f"/videos/{video['id']}/content")
            assert content.status == 400
        assert wait_done(sim, fine["id"])["status"] == "completed"


def test_expired_content_is_410_with_code() -> None:
    with Simulator(job_seconds=0.05, render_scale=0.2) as sim:
        sim.faults.expire_content = Fault(count=1)
        video = create(sim, seconds="4")
        done = wait_done(sim, video["id"])
        assert done["expires_at"] < time.time()
        reply = call(sim, "GET", f"/videos/{video['id']}/content")
        assert reply.status == 410 and reply.json()["error"]["code"] == "video_expired"
        # expiring at run time works too
        other = create(sim, seconds="4")
        wait_done(sim, other["id"])
        assert call(sim, "GET", f"/videos/{other['id']}/content").status == 200
        sim.expire(other["id"])
        assert call(sim, "GET", f"/videos/{other['id']}/content").status == 410


def test_per_poll_clock_is_deterministic() -> None:
    with Simulator(per_poll=25, render=False) as sim:
        video = create(sim)
        progress = [call(sim, "GET", f"/videos/{video['id']}").json()["progress"] for _ in range(4)]
        assert progress == [25, 50, 75, 100]


# ---------------------------------------------------------------- ids, 404, delete


@pytest.mark.parametrize(
    "bad_id",
    ["video_doesnotexist0", "..%2F..%2Fetc%2Fpasswd", "%2E%2E", "video_abc%2F..%2Fx", "x" * 300],
)
def test_unknown_or_hostile_ids_are_404(simulator: Simulator, bad_id: str) -> None:
    for method, suffix in (("GET", ""), ("GET", "/content"), ("DELETE", ""), ("POST", "/remix")):
        reply = call(
            simulator,
            method,
            f"/videos/{bad_id}{suffix}",
            body={"prompt": "x"} if method == "POST" else None,
        )
        assert reply.status == 404, (method, suffix, reply.body)
        assert reply.json()["error"]["type"] == "invalid_request_error"


def test_dot_segments_in_the_path_never_reach_a_job(simulator: Simulator) -> None:
    reply = call(simulator, "GET", "/videos/../x", validate=False)
    assert reply.status == 404
    reply = call(simulator, "GET", "/videos/a/b/c", validate=False)
    assert reply.status == 404


def test_methods_outside_the_api_get_the_api_error_body(simulator: Simulator) -> None:
    for method in ("PUT", "PATCH"):
        reply = call(simulator, method, "/videos", body={"prompt": "x"})
        assert reply.status == 404 and reply.json()["error"]["code"] == "unknown_url"
    assert call(simulator, "GET", "/models").status == 404


def test_every_answer_says_it_is_the_simulator(simulator: Simulator) -> None:
    """The header lets a client reached through a base URL book simulated spend in the
    sandbox; it must be on every answer (a missing one reads as "a real API answered"),
    while the bodies stay exactly the spec's (call() validates them)."""
    made = create(simulator)
    wait_done(simulator, made["id"])
    simulator.inject(rate_limit=Fault(count=1, ops=frozenset({"list"})))
    replies = [
        call(simulator, "GET", "/videos"),  # 429
        call(simulator, "GET", "/videos?limit=1"),
        call(simulator, "GET", f"/videos/{made['id']}"),
        call(simulator, "GET", f"/videos/{made['id']}/content?variant=thumbnail"),
        call(simulator, "GET", "/videos/video_0123456789abcdef"),  # 404
        call(simulator, "GET", "/videos", key=None),  # 401
        call(simulator, "PUT", "/videos", body={}),  # outside the API
        call(simulator, "HEAD", "/videos", validate=False),  # the API's 405 (issue 11)
        call(simulator, "FROB", "/videos", validate=False),  # http.server's 501, as JSON
    ]
    assert [r.status for r in replies] == [429, 200, 200, 200, 404, 401, 404, 405, 501]
    assert all(r.headers.get(SIMULATOR_HEADER) == "1" for r in replies), [
        r.status for r in replies if SIMULATOR_HEADER not in r.headers
    ]


def test_busy_port_is_an_oserror_and_nothing_is_left_running(simulator: Simulator) -> None:
    port = urlsplit(simulator.base_url).port
    busy = Simulator(port=port or 0, render=False)
    with pytest.raises(OSError):
        busy.start()
    with pytest.raises(RuntimeError, match="not running"):
        _ = busy.base_url
    assert busy._renderer is None and busy._tmpdir is None


def test_delete_only_finished_jobs(simulator: Simulator) -> None:
    video = create(simulator)
    early = call(simulator, "DELETE", f"/videos/{video['id']}")
    assert early.status == 400
    wait_done(simulator, video["id"])
    reply = call(simulator, "DELETE", f"/videos/{video['id']}")
    assert reply.json() == {"id": video["id"], "object": "video.deleted", "deleted": True}
    assert call(simulator, "GET", f"/videos/{video['id']}").status == 404


# ---------------------------------------------------------------- list


def test_list_pagination_after_limit_order() -> None:
    with Simulator(job_seconds=60, render=False) as sim:
        ids = [create(sim, prompt=f"shot {i}")["id"] for i in range(23)]
        page = call(sim, "GET", "/videos?limit=10").json()
        assert [v["id"] for v in page["data"]] == ids[::-1][:10]
        assert page["has_more"] is True
        assert (page["first_id"], page["last_id"]) == (ids[-1], ids[-10])
        collected, after = [], None
        while True:
            query = "limit=10&order=asc" + (f"&after={after}" if after else "")
            page = call(sim, "GET", f"/videos?{query}").json()
            collected += [v["id"] for v in page["data"]]
            if not page["has_more"]:
                break
            after = page["last_id"]
        assert collected == ids
        empty = call(sim, "GET", f"/videos?after={ids[-1]}&order=asc").json()
        assert empty == {
            "object": "list",
            "data": [],
            "first_id": None,
            "last_id": None,
            "has_more": False,
        }
        for query, param in (
            ("limit=101", "limit"),
            ("limit=x", "limit"),
            ("order=sideways", "order"),
            ("after=video_nope1234", "after"),
        ):
            reply = call(sim, "GET", f"/videos?{query}")
            assert reply.status == 400 and reply.json()["error"]["param"] == param


# ---------------------------------------------------------------- remix, extend, edit


def test_remix_extend_edit(simulator: Simulator) -> None:
    source = create(simulator, seconds="4", size="1280x720")
    wait_done(simulator, source["id"])
    remix = call(
        simulator, "POST", f"/videos/{source['id']}/remix", body={"prompt": "again, in the rain"}
    ).json()
    assert remix["remixed_from_video_id"] == source["id"]
    assert (remix["seconds"], remix["size"]) == ("4", "1280x720")
    data, ctype = multipart({"prompt": "and then", "seconds": "8", "video[id]": source["id"]})
    ext = call(
        simulator, "POST", "/videos/extensions", raw=data, headers={"Content-Type": ctype}
    ).json()
    assert ext["seconds"] == "12"  # the stitched total
    done = wait_done(simulator, ext["id"])
    mp4 = call(simulator, "GET", f"/videos/{done['id']}/content")
    path = Path(simulator._renderer.folder) / "check.mp4"  # type: ignore[union-attr]
    path.write_bytes(mp4.body)
    assert abs(probe(path).duration - 12.0) < 0.05
    edit = call(
        simulator,
        "POST",
        "/videos/edits",
        body={"video": {"id": source["id"]}, "prompt": "now in colour"},
    ).json()
    assert edit["remixed_from_video_id"] == source["id"] and edit["status"] == "queued"
    too_long = call(
        simulator,
        "POST",
        "/videos/extensions",
        body={"video": {"id": source["id"]}, "prompt": "x", "seconds": "30"},
    )
    assert too_long.status == 400 and too_long.json()["error"]["param"] == "seconds"


# ---------------------------------------------------------------- faults at the HTTP level


def test_rate_limit_fault_sends_retry_after(simulator: Simulator) -> None:
    simulator.faults.rate_limit = Fault(count=1)
    reply = call(simulator, "GET", "/videos")
    assert reply.status == 429
    assert reply.headers["retry-after"] == "1" and reply.headers["retry-after-ms"] == "50"
    assert call(simulator, "GET", "/videos").status == 200  # the count is used up
    assert simulator.faults.rate_limit.fired == 1


def test_server_error_and_dropped_connection(simulator: Simulator) -> None:
    simulator.faults.server_error = Fault(count=1, ops=frozenset({"list"}))
    assert call(simulator, "GET", "/videos").status == 500
    simulator.faults.drop_connection = Fault(count=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        call(simulator, "GET", "/videos")
    assert call(simulator, "GET", "/videos").status == 200


def test_lost_create_response_still_creates_the_job(simulator: Simulator) -> None:
    simulator.faults.lose_create_response = Fault(count=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        call(simulator, "POST", "/videos", body={"prompt": "A ghost job."})
    assert [v["prompt"] for v in simulator.jobs()] == ["A ghost job."]


def test_probability_faults_are_seeded() -> None:
    from sorafilm_nb.backends.simulator import FaultConfig

    def run() -> list[int]:
        faults = FaultConfig(server_error=Fault(probability=0.5), seed=7)
        with Simulator(faults=faults, render=False) as sim:
            return [call(sim, "GET", "/videos").status for _ in range(12)]

    first = run()
    assert first == run() and set(first) == {200, 500}


def test_stop_is_idempotent_and_frees_the_port() -> None:
    sim = Simulator(render=False).start()
    port = urlsplit(sim.base_url).port
    folder = sim._tmpdir
    assert folder is not None and folder.is_dir()
    sim.stop()
    assert not folder.exists()
    sim.stop()
    with pytest.raises(RuntimeError):
        _ = sim.base_url
    again = Simulator(port=port or 0, render=False).start()  # the port can be bound again
    try:
        assert call(again, "GET", "/videos").status == 200
    finally:
        again.stop()


def test_a_simulator_never_stopped_still_removes_its_files() -> None:
    code = (
        "from sorafilm_nb.backends.simulator import Simulator; "
        "s = Simulator().start(); print(s._tmpdir, flush=True)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    folder = Path(out.stdout.strip())
    assert folder.name.startswith("sorafilm-sim-") and not folder.exists()


# the subcommand's own register()/handler, as cli.py wires them (without importing every
# other subcommand, so these tests are about `simulate` only)
CLI = (
    "import argparse, sys; from sorafilm_nb.cli import simulate; "
    "p = argparse.ArgumentParser(); simulate.register(p.add_subparsers()); "
    "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))"
)


def test_cli_simulate_on_a_busy_port_says_so(simulator: Simulator) -> None:
    port = str(urlsplit(simulator.base_url).port)
    out = subprocess.run(
        [sys.executable, "-c", CLI, "simulate", "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in out.stderr
    fake = subprocess.run(  # the fakes start as the simulator does (simulate._started)
        [sys.executable, "-c", CLI, "simulate", "--provider", "runway", "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fake.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in fake.stderr
    bad = subprocess.run(
        [sys.executable, "-c", CLI, "simulate", "--refuse", "(unclosed"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--refuse is not a valid regex" in bad.stderr


def test_cli_simulate_serves_until_interrupted(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "simulate", "--port", "0", "--job-seconds", "0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Videos API simulator on http://127.0.0.1:"), line
        url = urlsplit(line.split(" on ", 1)[1].strip())
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        conn.request("GET", "/v1/videos", headers={"Authorization": "Bearer k"})
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)  # 10 s ran out once at load 19
    assert proc.returncode == 0, err


def test_any_create_is_echoed_or_refused_naming_the_bad_field() -> None:
    """Property, over the SDK's own multipart encoding: a create either succeeds and echoes
    exactly what was sent, or is a 400 whose param names a field that was illegal."""
    import warnings

    import openai
    from hypothesis import given, settings
    from hypothesis import strategies as st

    models = st.sampled_from(["sora-2", "sora-2-pro", "sora-2-2025-10-06", "sora-3", "", "Sora-2"])
    seconds = st.sampled_from(["4", "8", "12", "10", "0", "-4", "4.0", "twelve"])
    sizes = st.sampled_from(
        ["720x1280", "1280x720", "1024x1792", "1792x1024", "1920x1080", "1280X720", "x"]
    )
    prompts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300)

    with Simulator(render=False, job_seconds=60) as sim:
        client = openai.OpenAI(base_url=sim.base_url, api_key=sim.api_key, max_retries=0)

        @settings(max_examples=50, deadline=None)
        @given(model=models, secs=seconds, size=sizes, prompt=prompts)
        def check(model: str, secs: str, size: str, prompt: str) -> None:
            pro = model in ("sora-2-pro",)
            legal = {
                "prompt": bool(prompt.strip()),
                "model": model in ("sora-2", "sora-2-pro", "sora-2-2025-10-06"),
                "seconds": secs in ("4", "8", "12"),
                "size": size in ("720x1280", "1280x720")
                or (pro and size in ("1024x1792", "1792x1024")),
            }
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                try:
                    video = client.videos.create(
                        prompt=prompt,
                        model=model,  # type: ignore[arg-type]
                        seconds=secs,
                        size=size,
                    )  # type: ignore[arg-type]
                except openai.BadRequestError as exc:
                    assert isinstance(exc.body, dict)
                    assert legal[exc.body["param"]] is False, (exc.body, legal)
                    return
            assert all(legal.values()), legal
            assert (video.prompt, video.model, video.seconds, video.size) == (
                prompt,
                model,
                secs,
                size,
            )

        check()


@pytest.mark.parametrize(
    "kw",
    [
        {"job_seconds": -1},
        {"per_poll": 0},
        {"per_poll": 101},
        {"render_scale": 2.0},
        {"api_key": ""},
    ],
)
def test_bad_configuration_is_refused_up_front(kw: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Simulator(**kw)
