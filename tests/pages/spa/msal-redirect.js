// msal-browser 5's redirect URI page: hands the response in the URL to the window that asked
// (the app after a redirect, the app's hidden iframe for ssoSilent).
msalRedirectBridge.broadcastResponseToMainFrame().catch((error) => {
  document.body.dataset.error = String((error && (error.errorCode || error.message)) || error);
});
