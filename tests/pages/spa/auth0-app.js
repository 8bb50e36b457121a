// A single-page app as the auth0-spa-js quickstart writes it: sign in with a redirect, then tokens
// come silently (a hidden iframe with response_mode=web_message, or the refresh token when the page
// is /auth0-refresh.html). `window.app` is the client the test drives.
(async () => {
  const config = window.SPA_CONFIG;
  const client = await auth0.createAuth0Client({
    domain: config.auth0Domain,
    clientId: config.auth0ClientId,
    cacheLocation: "memory",
    useRefreshTokens: location.pathname === "/auth0-refresh.html",
    authorizationParams: {
      redirect_uri: location.origin + location.pathname,
      audience: config.auth0Audience,
      scope: "openid profile email read:customers",
    },
  });
  const query = new URLSearchParams(location.search);
  if (query.has("code") || query.has("error")) {
    await client.handleRedirectCallback();
    history.replaceState({}, "", location.pathname);
  }
  window.app = client;
  document.body.dataset.ready = "true";
})().catch((error) => {
  document.body.dataset.error = String((error && (error.error || error.message)) || error);
});
