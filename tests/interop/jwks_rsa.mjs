// jwks-rsa + jsonwebtoken, the pair a Node API (express-jwt, hand-written middleware) verifies an
// Auth0 or Okta access token with: the signing key by the token's `kid` from the JWKS URI, then
// jsonwebtoken.verify with the expected issuer, audience and RS256. Library defaults kept (jwks-rsa
// caches keys and rate-limits fetches); https trusted through NODE_EXTRA_CA_CERTS.
// Job: {"jwksUri", "issuer", "audience", "token"}
import jwksClient from 'jwks-rsa';
import jwt from 'jsonwebtoken';
import { runJob } from './_cli.mjs';

await runJob(async (job) => {
  const client = jwksClient({ jwksUri: job.jwksUri });
  const { header } = jwt.decode(job.token, { complete: true }) || {};
  if (!header?.kid) {
    throw new Error('the token names no kid');
  }
  const key = await client.getSigningKey(header.kid);
  const claims = jwt.verify(job.token, key.getPublicKey(), {
    issuer: job.issuer, audience: job.audience, algorithms: ['RS256'] });
  return { kid: header.kid, claims };
});
