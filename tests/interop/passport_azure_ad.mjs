// passport-azure-ad's BearerStrategy, the Node validator of Entra tokens that apps configure with a
// metadata URL (v1.0 or v2.0 document): it reads the issuer, the algorithms and jwks_uri from it,
// finds the token's key by the header's x5t (else kid), and checks signature, issuer, audience and
// expiry. Driven the way passport drives a strategy (a per-request object with success/fail/error);
// https trusted through NODE_EXTRA_CA_CERTS, defaults kept (validateIssuer true).
// Job: {"identityMetadata", "clientID", "audience", "token"}
import { createRequire } from 'node:module';
import { runJob } from './_cli.mjs';

const { BearerStrategy } = createRequire(import.meta.url)('passport-azure-ad');

await runJob(async (job) => {
  const strategy = new BearerStrategy({
    identityMetadata: job.identityMetadata, clientID: job.clientID, audience: job.audience,
    loggingLevel: 'error', loggingNoPII: true,
  }, (token, done) => done(null, { oid: token.oid }, token));
  return await new Promise((resolve, reject) => {
    const attempt = Object.create(strategy);
    attempt.success = (user, claims) => resolve({ authenticated: true, claims });
    attempt.fail = (challenge) => resolve({ authenticated: false, challenge: String(challenge) });
    attempt.error = reject;
    attempt.authenticate({ headers: { authorization: `Bearer ${job.token}` }, query: {}, body: {} }, {});
  });
});
