// @okta/okta-auth-js in Node, as a test suite signs in against a real Okta org: signInWithCredentials
// (POST {org}/api/v1/authn), then /v1/authorize with the sessionToken (no page) and the SDK's own
// code exchange (PKCE), which verifies the ID token against the JWKS. Every SDK default kept; over
// https the server's CA is trusted through NODE_EXTRA_CA_CERTS.
// Job: {"issuer", "clientId", "redirectUri", "username", "password", "scopes"?, "newPassword"?: set when
// the password has expired (transaction.changePassword, then on as above)}
import { OktaAuth, convertTokenParamsToOAuthParams, getOAuthUrls } from '@okta/okta-auth-js';
import { runJob } from './_cli.mjs';

await runJob(async (job) => {
  const authClient = new OktaAuth({
    issuer: job.issuer,
    clientId: job.clientId,
    redirectUri: job.redirectUri,
    scopes: job.scopes || ['openid', 'profile', 'email'],
    pkce: true,
  });
  let transaction = await authClient.signInWithCredentials({ username: job.username, password: job.password });
  const first = transaction.status;
  if (first === 'PASSWORD_EXPIRED' && job.newPassword) {
    // The transaction's changePassword follows its `next` link with the stateToken.
    transaction = await transaction.changePassword({ oldPassword: job.password, newPassword: job.newPassword });
  }
  if (transaction.status !== 'SUCCESS') {
    return { status: transaction.status };
  }
  // The SDK's own authorize request: its PKCE verifier and challenge, state, nonce and response type,
  // turned into query parameters and URL (org or custom authorization server) by the SDK.
  const params = await authClient.token.prepareTokenParams({ sessionToken: transaction.sessionToken });
  const query = new URLSearchParams(convertTokenParamsToOAuthParams(params));
  const authorizeUrl = getOAuthUrls(authClient, params).authorizeUrl;
  const response = await fetch(`${authorizeUrl}?${query}`, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`authorize answered ${response.status} without a redirect`);
  }
  const redirected = new URL(location).searchParams;
  if (redirected.get('state') !== params.state) {
    throw new Error(`state mismatch: ${location}`);
  }
  const code = redirected.get('code');
  if (!code) {
    throw new Error(`no code in ${location}`);
  }
  const { tokens } = await authClient.token.exchangeCodeForTokens({
    authorizationCode: code,
    codeVerifier: params.codeVerifier,
    scopes: params.scopes,
  });
  return {
    firstStatus: first,
    status: transaction.status,
    user: transaction.user,
    expiresAt: transaction.expiresAt,
    sessionTokenLength: transaction.sessionToken.length,
    nonce: params.nonce,
    idToken: tokens.idToken.idToken,
    idClaims: tokens.idToken.claims,
    accessToken: tokens.accessToken.accessToken,
    accessClaims: tokens.accessToken.claims,
  };
});
