// A single-page app as okta-auth-js's README writes it: signInWithRedirect, parseFromUrl (PKCE),
// then token.getWithoutPrompt (a hidden iframe with response_mode=okta_post_message).
(async () => {
  const config = window.SPA_CONFIG;
  const authClient = new OktaAuth({
    issuer: config.oktaIssuer,
    clientId: config.oktaClientId,
    redirectUri: location.origin + "/okta.html",
    scopes: ["openid", "profile", "email"],
    pkce: true,
    tokenManager: { storage: "memory", autoRenew: false },
  });
  if (authClient.isLoginRedirect()) {
    const { tokens } = await authClient.token.parseFromUrl();
    authClient.tokenManager.setTokens(tokens);
    history.replaceState({}, "", location.pathname);
  }
  window.app = authClient;
  document.body.dataset.ready = "true";
})().catch((error) => {
  document.body.dataset.error = String((error && (error.errorCode || error.message)) || error);
});
