"""pytest-iam's `iam_server` fixture as a standalone process, for bench/: python pytest_iam_server.py PORT.

It builds the app exactly as the fixture does (pytest_iam.iam_configuration: Canaille, in-memory
database, a fresh RSA-2048 key, wsgiref's single-threaded server) and adds one confidential client
allowed the client_credentials grant, as a test would with `iam_server.models.Client`.
"""

import datetime
import sys

import pytest_iam
from canaille import create_app
from canaille.app import models
from canaille.backends import Backend

CLIENT_ID, CLIENT_SECRET = "bench-service", "bench-service-secret"


def main() -> None:
    port = int(sys.argv[1])
    # The fixtures' bodies, without pytest (tmp_path_factory is unused by the configuration).
    configuration = pytest_iam.iam_configuration.__wrapped__(None, port)
    # The fixture names the host localhost; the bench and wrk call 127.0.0.1, which Flask would
    # otherwise answer with a redirect (SERVER_NAME mismatch).
    configuration["SERVER_NAME"] = f"127.0.0.1:{port}"
    app = create_app(config=configuration, env_file=None, env_prefix="PYTEST_IAM_")
    server = pytest_iam.Server(app, port, Backend.instance)
    with app.app_context():
        client = models.Client(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, client_name="bench",
            client_id_issued_at=datetime.datetime.now(datetime.UTC),
            redirect_uris=["http://localhost:3000/callback"], grant_types=["client_credentials"],
            response_types=["token"], scope=["openid"], token_endpoint_auth_method="client_secret_basic")
        Backend.instance.save(client)
        client.audience = [client]
        Backend.instance.save(client)
    print(f"pytest-iam on {server.url}", flush=True)
    server.httpd.serve_forever()


if __name__ == "__main__":
    main()
