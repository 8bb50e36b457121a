// @okta/jwt-verifier: verify an Okta access token or ID token.
// Job: {"issuer", "clientId", "kind": "access"|"id", "token",
//       "audience" (access), "nonce" (id), "assertClaims"?: {...}}
// Note: the library fetches keys from `${issuer}/v1/keys` (no discovery), over https only: the
// server runs with --tls and node trusts its CA through NODE_EXTRA_CA_CERTS. No `testing` option.
import OktaJwtVerifier from '@okta/jwt-verifier';
import { runJob } from './_cli.mjs';

await runJob(async (job) => {
  const verifier = new OktaJwtVerifier({
    issuer: job.issuer,
    clientId: job.clientId,
    assertClaims: job.assertClaims,
  });
  let jwt;
  if (job.kind === 'access') {
    jwt = await verifier.verifyAccessToken(job.token, job.audience);
  } else if (job.kind === 'id') {
    jwt = await verifier.verifyIdToken(job.token, job.clientId, job.nonce);
  } else {
    throw new TypeError(`unknown kind ${JSON.stringify(job.kind)}`);
  }
  return { header: jwt.header, claims: jwt.claims };
});
