// aws-jwt-verify: verify a JWT with the generic verifier or with Cognito rules, with the library's
// own defaults: its node:https fetcher (https only; node trusts our CA via NODE_EXTRA_CA_CERTS) and,
// when the job gives no jwksUri, the JWKS URI it derives (<issuer>/.well-known/jwks.json).
// Job: {"verifier": "rsa"|"cognito", "issuer", "jwksUri" (null = derived), "token",
//       "audience" (rsa; null = no check), "tokenUse" ("id"|"access"|null = no check),
//       "clientId" (cognito; null = no check), "groups"?}
//  - "rsa":      JwtVerifier.create({issuer, audience, jwksUri})
//  - "cognito":  the documented way to apply Cognito rules to a JWT whose issuer is
//                not https://cognito-idp.<region>.amazonaws.com/<pool>: the generic
//                verifier with audience null + validateCognitoJwtFields in customJwtCheck
//                (token_use, client_id for access tokens / aud for ID tokens, groups).
import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { runJob } from './_cli.mjs';

function issuerConfig(job) {
  return job.jwksUri ? { issuer: job.issuer, jwksUri: job.jwksUri } : { issuer: job.issuer };
}

await runJob(async (job) => {
  let verifier;
  if (job.verifier === 'rsa') {
    verifier = JwtVerifier.create({ ...issuerConfig(job), audience: job.audience });
  } else if (job.verifier === 'cognito') {
    // Like CognitoJwtVerifier, tokenUse/clientId must be given (null = skip the check).
    const checks = { tokenUse: job.tokenUse, clientId: job.clientId, groups: job.groups };
    verifier = JwtVerifier.create({
      ...issuerConfig(job), audience: null,
      customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, checks),
    });
  } else {
    throw new TypeError(`unknown verifier ${JSON.stringify(job.verifier)}`);
  }
  return { payload: await verifier.verify(job.token) };
});
