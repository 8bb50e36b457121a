"""Connections cannot be held against the server (`mock-idp serve`, web/connections.py): silent
and slowloris connections (slow headers or a slow body) are closed at the request read deadline, idle keep-alive ones at theirs,
and with more connections held than the process has file descriptors, /healthz still answers."""

import resource
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import free_port, stop_process
from test_cli import MOCK_IDP, SEED, clean_env

FILES = 1024  # the server's RLIMIT_NOFILE, a common default


def serve(tmp_path: Path, keyed_database: Path, *args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    (tmp_path / "data").mkdir(exist_ok=True)
    shutil.copyfile(keyed_database, tmp_path / "data" / "mock_idp.db")  # no RSA key to make: a quick start
    log = open(tmp_path / f"serve-{port}.log", "w")
    process = subprocess.Popen(
        [MOCK_IDP, "serve", "--config", str(SEED), "--port", str(port), "--data-dir", str(tmp_path / "data"),
         "--no-access-log", *args], env=clean_env(), stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (FILES, FILES)))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=0.5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            raise AssertionError((tmp_path / f"serve-{port}.log").read_text())
        time.sleep(0.05)


@pytest.fixture
def server(tmp_path, _keyed_database):
    processes = []

    def start(*args: str) -> str:
        process, base = serve(tmp_path, _keyed_database, *args)
        processes.append(process)
        return base
    yield start
    for process in processes:
        stop_process(process)


def connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def closed_within(sock: socket.socket, seconds: float) -> tuple[float, bytes]:
    """How long until the server closes `sock`, and what it said first."""
    started = time.monotonic()
    sock.settimeout(seconds)
    said = b""
    try:
        while chunk := sock.recv(4096):
            said += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return time.monotonic() - started, said


def test_silent_slowloris_and_idle_connections_are_closed(server):
    base = server("--request-read-timeout", "1", "--keep-alive-timeout", "1")
    silent = connect(base)
    slow = connect(base)
    slow_body = connect(base)  # headers at once, then a body a byte at a time
    idle = connect(base)
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    stop = threading.Event()

    def trickle(sock, data: bytes):  # never finished
        for byte in data:
            if stop.wait(0.2):
                return
            try:
                sock.send(bytes([byte]))
            except OSError:
                return
    threading.Thread(target=trickle, args=(slow, b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 100),
                     daemon=True).start()
    slow_body.sendall(b"POST /default/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      b"Content-Length: 1000\r\n\r\n")
    threading.Thread(target=trickle, args=(slow_body, b"a" * 100), daemon=True).start()
    waited, said = closed_within(silent, 5)
    assert waited < 3 and said == b""  # nothing asked, nothing answered: just closed
    waited, said = closed_within(slow, 5)
    assert waited < 3 and said.startswith(b"HTTP/1.1 408 ")
    waited, said = closed_within(slow_body, 5)
    stop.set()
    assert waited < 3 and said.startswith(b"HTTP/1.1 408 ")
    waited, said = closed_within(idle, 5)
    assert waited < 3 and said.startswith(b"HTTP/1.1 200 ")  # answered, then closed when idle


def test_healthz_answers_while_more_connections_are_held_than_the_server_has_files(server):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 1400:
        pytest.fail(f"this test needs 1,400 file descriptors of its own (ulimit -Hn is {hard})")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1400), hard))
    base = server()  # the defaults: a 10 s read deadline, at most 1024 - 64 connections
    held, slow = [], []
    stop = threading.Event()

    def trickle():  # 200 slowloris connections at one byte a second each
        while not stop.wait(1):
            for sock in list(slow):
                try:
                    sock.send(b"a")
                except OSError:
                    slow.remove(sock)
    try:
        for n in range(1100):
            sock = connect(base)
            held.append(sock)
            if n < 200:
                sock.send(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
                slow.append(sock)
        threading.Thread(target=trickle, daemon=True).start()
        slowest, answered = 0.0, 0
        finish = time.monotonic() + 6
        while time.monotonic() < finish:
            started = time.monotonic()
            assert httpx.get(base + "/healthz", timeout=1).status_code == 200  # a timeout fails the test
            slowest = max(slowest, time.monotonic() - started)
            answered += 1
            time.sleep(0.1)
        assert slowest < 1 and answered > 10
    finally:
        stop.set()
        for sock in held:
            sock.close()
