// A single-page app as msal-browser's samples write it: loginRedirect + handleRedirectPromise, then
// acquireTokenSilent (the cache, else the refresh token from the browser) and ssoSilent (a hidden
// iframe, prompt=none, response_mode=fragment, handed back by the redirect bridge page).
(async () => {
  const config = window.SPA_CONFIG;
  const app = new msal.PublicClientApplication({
    auth: {
      clientId: config.entraClientId,
      authority: config.entraAuthority,
      knownAuthorities: [new URL(config.entraAuthority).host],  // not login.microsoftonline.com
      redirectUri: location.origin + "/msal-redirect.html",
    },
  });
  await app.initialize();
  const result = await app.handleRedirectPromise();
  if (result) {
    app.setActiveAccount(result.account);
  }
  window.app = app;
  window.scopes = config.entraScopes;
  document.body.dataset.ready = "true";
})().catch((error) => {
  document.body.dataset.error = String((error && (error.errorCode || error.message)) || error);
});
