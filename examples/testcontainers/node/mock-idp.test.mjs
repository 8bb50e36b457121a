// mock_idp from a Node test suite with testcontainers (npm i -D testcontainers), run with `node --test`.
// The host port is chosen before the container starts, so the issuer URL is the one the test uses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { GenericContainer, Wait } from "testcontainers";

const IMAGE = "mock-idp:latest"; // docker build -t mock-idp .
const adminToken = randomBytes(24).toString("base64url");
let container, baseUrl;

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

before(async () => {
  const port = await freePort();
  baseUrl = `http://localhost:${port}`;
  container = await new GenericContainer(IMAGE)
    .withExposedPorts({ container: 8000, host: port })
    .withEnvironment({ MOCK_IDP_BASE_URL: baseUrl, MOCK_IDP_ADMIN_TOKEN: adminToken })
    .withWaitStrategy(Wait.forHttp("/healthz", 8000).forStatusCode(200))
    .start();
});

after(async () => container?.stop());

const admin = (path, body) =>
  fetch(`${baseUrl}/_admin${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  }).then((response) => response.json());

test("a minted token carries the issuer the container was given", async () => {
  const tokens = await admin("/tenants/default/tokens", { username: "alice" });
  const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1], "base64url"));
  assert.equal(claims.iss, `${baseUrl}/default`);
  await admin("/reset");
});
