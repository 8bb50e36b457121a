"""No request writes a log line of its own, and no database error logs the values of its statement."""

import logging
import uuid

import httpx
import pytest
from sqlalchemy.exc import IntegrityError
from test_request_log import serve

from conftest import stop_process
from mock_idp.storage.models import LoginSession
from mock_idp.storage.store import Store
from mock_idp.web import logs

pytest_plugins = ["pg_support"]  # postgres_url: a throw-away PostgreSQL server

FORGED = "x\nGET /default/forged 200 tenant=default outcome=ok 0.1ms\r\u2028"


def test_control_characters_in_a_request_are_escaped_in_the_text_log(tmp_path):
    process, base = serve(tmp_path)
    try:
        httpx.post(f"{base}/default/token", data={"grant_type": "client_credentials", "client_id": FORGED,
                                                  "client_secret": "s"})
        httpx.post(f"{base}/default/token", auth=(FORGED, "s"), data={"grant_type": "client_credentials"})
        httpx.get(f"{base}/default/authorize%0AGET%20/default/forged-path%20200")
    finally:
        stop_process(process)
    output = process.stdout.read()
    lines = output.splitlines()
    # Each request one line, starting with its method: nothing else names the forged path.
    assert not [line for line in lines if "/forged" in line
                and not line.startswith(("POST /default/token ", 'GET "/default/authorize\\n'))]
    token_lines = [line for line in lines if line.startswith("POST /default/token")]
    assert len(token_lines) == 2
    for line in token_lines:
        assert 'client="x\\nGET /default/forged 200 tenant=default outcome=ok 0.1ms\\r\\u2028"' in line
    assert any(line.startswith('GET "/default/authorize\\nGET /default/forged-path 200" 404 ') for line in lines)


def test_a_database_error_names_no_parameter(tmp_path, caplog):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    session = dict(id="secret-session-id-1234", tenant="t", username="alice", auth_time=1, expires_at=2)
    store.insert(LoginSession(**session))
    with pytest.raises(IntegrityError) as raised:
        store.insert(LoginSession(**session))  # the same primary key again
    logging.getLogger("mock_idp").exception("a database error", exc_info=raised.value)
    assert "INSERT INTO login_sessions" in str(raised.value)
    assert "secret-session-id-1234" not in str(raised.value) and "secret-session-id-1234" not in caplog.text
    assert "hidden due to hide_parameters" in str(raised.value)
    store.close()


def test_a_postgresql_error_logs_no_value_of_the_row(postgres_url, caplog):
    # psycopg's message carries PostgreSQL's DETAIL line, "Key (id)=(<the session id>) already exists".
    logs.install()  # as create_app does
    store = Store(postgres_url)
    secret = f"secret-session-{uuid.uuid4().hex}"
    session = dict(id=secret, tenant="t", username="alice", auth_time=1, expires_at=2)
    store.insert(LoginSession(**session))
    try:
        with pytest.raises(IntegrityError) as raised:
            store.insert(LoginSession(**session))
        assert secret in str(raised.value)  # what the driver says, and what the log must not
        with caplog.at_level(logging.ERROR, logger="mock_idp"):
            logging.getLogger("mock_idp").exception("a database error", exc_info=raised.value)
        assert "UniqueViolation" in caplog.text and "DETAIL:  (values hidden)" in caplog.text
        assert secret not in caplog.text
    finally:
        store.close()
