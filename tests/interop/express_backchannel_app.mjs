// An Express application signed in with Auth0's own express-openid-connect, back-channel logout
// on (its `backchannelLogout` option): run by test_backchannel_logout.py against the Auth0 persona
// over --tls (NODE_EXTRA_CA_CERTS names the CA). The job (JSON on stdin): issuerBaseURL, baseURL,
// clientID, clientSecret, port. Prints {"ok": true, "listening": port} once it listens; GET /me
// answers {"sub": <the signed-in user's sub> or null}.
import express from 'express';
import eoc from 'express-openid-connect';

const job = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

// The logout tokens' store (issuer|sid and issuer|sub): a Map, as a session store's get/set/destroy.
const entries = new Map();
const store = {
  async get(key) { return entries.get(key); },
  async set(key, value) { entries.set(key, value); },
  async destroy(key) { entries.delete(key); },
};

const app = express();
app.use(eoc.auth({
  issuerBaseURL: job.issuerBaseURL,
  baseURL: job.baseURL,
  clientID: job.clientID,
  clientSecret: job.clientSecret,
  secret: 'a-long-enough-session-secret-for-the-test-app',
  authRequired: false,
  authorizationParams: { response_type: 'code', scope: 'openid profile' },
  backchannelLogout: { store },
}));
app.get('/me', (req, res) => {
  res.json({ sub: req.oidc.isAuthenticated() ? req.oidc.user.sub : null, loggedOut: entries.size });
});
app.listen(job.port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ ok: true, listening: job.port }) + '\n');
});
