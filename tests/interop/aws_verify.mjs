// aws-jwt-verify: verify a JWT with the generic verifier or with Cognito rules.
// Job: {"verifier": "rsa"|"cognito"|"cognito-native", "issuer", "jwksUri", "token",
//       "audience" (rsa; null = no check), "tokenUse" ("id"|"access"|null = no check),
//       "clientId" (cognito*; null = no check), "groups"?, "userPoolId" (cognito-native)}
//  - "rsa":      JwtRsaVerifier.create({issuer, audience, jwksUri})
//  - "cognito":  the documented way to apply Cognito rules to a JWT whose issuer is
//                not https://cognito-idp.<region>.amazonaws.com/<pool>: the generic
//                verifier with audience null + validateCognitoJwtFields in customJwtCheck
//                (token_use, client_id for access tokens / aud for ID tokens, groups).
//  - "cognito-native": CognitoJwtVerifier itself; it derives issuer AND jwksUri from
//                userPoolId (no override), so only usable if the token's iss is the real
//                AWS URL; the JWKS request is served from job.jwksUri by the fetcher.
import { JwtRsaVerifier, CognitoJwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { runJob } from './_cli.mjs';

// The default SimpleFetcher uses node:https and refuses http:// URIs; a custom
// Fetcher is the library's documented extension point for other HTTP clients.
class HttpFetcher {
  constructor(target) { this.target = target; }
  async fetch(uri) {
    const res = await fetch(this.target ?? uri);
    if (res.status !== 200) throw new Error(`JWKS fetch ${res.url}: status ${res.status}`);
    return res.arrayBuffer();
  }
}

await runJob(async (job) => {
  let verifier;
  if (job.verifier === 'rsa') {
    verifier = JwtRsaVerifier.create(
      { issuer: job.issuer, audience: job.audience, jwksUri: job.jwksUri },
      { jwksCache: new SimpleJwksCache({ fetcher: new HttpFetcher() }) });
  } else if (job.verifier === 'cognito') {
    // Like CognitoJwtVerifier, tokenUse/clientId must be given (null = skip the check).
    const checks = { tokenUse: job.tokenUse, clientId: job.clientId, groups: job.groups };
    verifier = JwtRsaVerifier.create(
      { issuer: job.issuer, audience: null, jwksUri: job.jwksUri,
        customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, checks) },
      { jwksCache: new SimpleJwksCache({ fetcher: new HttpFetcher() }) });
  } else if (job.verifier === 'cognito-native') {
    verifier = CognitoJwtVerifier.create(
      { userPoolId: job.userPoolId, tokenUse: job.tokenUse, clientId: job.clientId, groups: job.groups },
      { jwksCache: new SimpleJwksCache({ fetcher: new HttpFetcher(job.jwksUri) }) });
  } else {
    throw new TypeError(`unknown verifier ${JSON.stringify(job.verifier)}`);
  }
  return { payload: await verifier.verify(job.token) };
});
