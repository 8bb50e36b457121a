// express-oauth2-jwt-bearer: protect a real express API with Auth0's middleware
// and call it with `Authorization: Bearer <token>`.
// Job: {"issuerBaseURL", "audience", "token"}
// The middleware discovers `<issuerBaseURL>/.well-known/openid-configuration`
// and then trusts the discovered `issuer` and `jwks_uri`.
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { runJob } from './_cli.mjs';

await runJob(async (job) => {
  const app = express();
  app.get('/protected',
    auth({ issuerBaseURL: job.issuerBaseURL, audience: job.audience, tokenSigningAlg: 'RS256' }),
    (req, res) => res.json({ payload: req.auth.payload, header: req.auth.header }));
  // Render the middleware's errors as JSON so the caller sees the reason.
  app.use((err, req, res, next) => {
    res.status(err.status || 500).set(err.headers || {})
      .json({ error: err.code || err.name, message: err.message });
  });

  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const { port } = server.address();
    const res = await fetch(`http://127.0.0.1:${port}/protected`, {
      headers: { authorization: `Bearer ${job.token}` },
    });
    const body = await res.json();
    if (res.status === 200) {
      return { status: 200, payload: body.payload, header: body.header };
    }
    return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body };
  } finally {
    server.close();
  }
});
