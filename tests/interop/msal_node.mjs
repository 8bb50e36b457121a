// @azure/msal-node: a confidential client against an authority it does not know, named in
// knownAuthorities (no instance discovery), trusting the server's CA through NODE_EXTRA_CA_CERTS.
// Job: {"authority", "host", "clientId", "clientSecret", "scopes", "username"?, "password"?}
// -> {"accessToken", "idTokenClaims"?, "homeAccountId"?}
// With "refreshToken": acquireTokenByRefreshToken, and what MSAL made of a refusal:
// -> {"accessToken"} or {"errorClass", "errorCode", "subError", "correlationId"}
// The authorization code flow, as a web app runs it in two requests: with "redirectUri" alone,
// getAuthCodeUrl with PKCE -> {"url", "verifier"}; with "code" and "verifier" too,
// acquireTokenByCode -> {"accessToken", "idTokenClaims", "homeAccountId"}.
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { runJob } from './_cli.mjs';

await runJob(async (job) => {
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: job.clientId,
      authority: job.authority,
      clientSecret: job.clientSecret,
      knownAuthorities: [job.host],
    },
  });
  if (job.redirectUri && !job.code) {
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const url = await app.getAuthCodeUrl({ scopes: job.scopes, redirectUri: job.redirectUri, state: job.state,
                                           codeChallenge: challenge, codeChallengeMethod: 'S256' });
    return { url, verifier };
  }
  if (job.code) {
    const result = await app.acquireTokenByCode({ code: job.code, scopes: job.scopes, redirectUri: job.redirectUri,
                                                  codeVerifier: job.verifier });
    return { accessToken: result.accessToken, idTokenClaims: result.idTokenClaims,
             homeAccountId: result.account?.homeAccountId };
  }
  if (job.refreshToken) {
    try {
      const result = await app.acquireTokenByRefreshToken({ refreshToken: job.refreshToken, scopes: job.scopes });
      return { accessToken: result.accessToken };
    } catch (err) {  // the class is what apps test (InteractionRequiredAuthError: sign the user in again)
      return { errorClass: err.name, errorCode: err.errorCode, subError: err.subError,
               correlationId: err.correlationId };
    }
  }
  const result = job.username
    ? await app.acquireTokenByUsernamePassword({ scopes: job.scopes, username: job.username, password: job.password })
    : await app.acquireTokenByClientCredential({ scopes: job.scopes });
  return {
    accessToken: result.accessToken,
    idTokenClaims: result.idTokenClaims,
    homeAccountId: result.account?.homeAccountId,
  };
});
