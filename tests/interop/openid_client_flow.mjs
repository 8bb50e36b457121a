// openid-client v6 against a real server: the authorization code + PKCE flow, split in two
// steps because a login happens in between; and the device flow (RFC 8628) in one step.
// Job: {"step": "start"|"finish"|"device", "issuer", "discoveryUrl"?, "clientId", "clientSecret"?,
//       "tokenEndpointAuthMethod"? ("client_secret_basic" (default with a secret) |
//       "client_secret_post" | "none" (default without a secret)), "redirectUri", "scope",
//       finish only: "callbackUrl", "codeVerifier", "state", "nonce";
//       device only: "audience"?, "username", "password", "approveAfterMs"}
// The library's defaults throughout: https only (node trusts our CA via NODE_EXTRA_CA_CERTS).
// "discoveryUrl": a well-known URL to discover from instead of the issuer (a container calling the
// server under its internal name); the library then trusts the discovered issuer.
import * as client from 'openid-client';
import { runJob } from './_cli.mjs';

function clientAuth(job) {
  const method = job.tokenEndpointAuthMethod ?? (job.clientSecret ? 'client_secret_basic' : 'none');
  switch (method) {
    case 'client_secret_basic': return client.ClientSecretBasic(job.clientSecret);
    case 'client_secret_post': return client.ClientSecretPost(job.clientSecret);
    case 'none': return client.None();
    default: throw new TypeError(`unsupported tokenEndpointAuthMethod ${method}`);
  }
}

async function discover(job) {
  // The discovered `issuer` must equal this URL exactly (new URL keeps a
  // trailing slash, so Auth0-style "https://tenant/" issuers must be passed as-is).
  return client.discovery(new URL(job.discoveryUrl ?? job.issuer), job.clientId, undefined, clientAuth(job));
}

async function start(job) {
  const config = await discover(job);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: job.redirectUri,
    scope: job.scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { authorizationUrl: authorizationUrl.href, codeVerifier, state, nonce,
           serverMetadata: config.serverMetadata() };
}

async function finish(job) {
  const config = await discover(job);
  // Checks state, the code exchange with PKCE, and the ID token (signature via
  // jwks_uri, iss, aud, azp, exp, iat, nonce).
  const tokens = await client.authorizationCodeGrant(config, new URL(job.callbackUrl), {
    pkceCodeVerifier: job.codeVerifier,
    expectedState: job.state,
    expectedNonce: job.nonce,
    idTokenExpected: true,
  });
  const idTokenClaims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, idTokenClaims.sub);
  if (!tokens.refresh_token) throw new Error('no refresh_token in the code grant response');
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  return {
    idTokenClaims,
    userinfo,
    tokenType: tokens.token_type,
    scope: tokens.scope,
    refreshed: {
      access_token: Boolean(refreshed.access_token),
      id_token: Boolean(refreshed.id_token),
      refresh_token: Boolean(refreshed.refresh_token),
    },
    refreshedIdTokenClaims: refreshed.id_token ? refreshed.claims() : null,
  };
}

async function device(job) {
  const config = await discover(job);
  const parameters = { scope: job.scope, ...(job.audience ? { audience: job.audience } : {}) };
  const authorization = await client.initiateDeviceAuthorization(config, parameters);
  // The user signs in on the verification page after the device has started polling, so the
  // library also meets the persona's authorization_pending answer.
  const approval = new Promise((resolve) => setTimeout(resolve, job.approveAfterMs))
    .then(() => approve(authorization, job));
  // Polls at the server's interval; checks the ID token (signature via jwks_uri, iss, aud, exp, iat).
  const tokens = await client.pollDeviceAuthorizationGrant(config, authorization);
  await approval;
  return {
    userCode: authorization.user_code,
    verificationUri: authorization.verification_uri,
    idTokenClaims: tokens.id_token ? tokens.claims() : null,
    scope: tokens.scope,
    refreshToken: Boolean(tokens.refresh_token),
  };
}

async function approve(authorization, job) {
  // What the person does in a browser: open verification_uri_complete, then sign in with the
  // form it shows (which carries a CSRF token, in a hidden field and in a cookie).
  const form = await fetch(authorization.verification_uri_complete);
  const csrf = (await form.text()).match(/name="csrf_token" value="([^"]+)"/)[1];
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const response = await fetch(authorization.verification_uri_complete, {
    method: 'POST',
    headers: { cookie },
    body: new URLSearchParams({ username: job.username, password: job.password, csrf_token: csrf }),
  });
  const page = await response.text();
  if (!page.includes('Device activated')) throw new Error(`approval failed: ${page.slice(0, 300)}`);
}

await runJob(async (job) => {
  if (job.step === 'start') return start(job);
  if (job.step === 'finish') return finish(job);
  if (job.step === 'device') return device(job);
  throw new TypeError(`unknown step ${JSON.stringify(job.step)}`);
});
