// A real OpenID Connect provider (panva/oidc-provider) on loopback for the login browser test.
//   PORT=9000 REDIRECT_URI=http://localhost:8501/oauth2callback node provider.mjs
// Sign-in uses the library's development interactions: type an account id below (any
// password), then "Continue" on the consent screen. Tokens, keys, discovery and the
// authorization-code flow are the library's own, as a company's provider would run them.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 9000);
const issuer = `http://localhost:${port}`;

// Test accounts: id -> claims. "stranger" can log in but is not a user of the app.
const ACCOUNTS = {
  director: { email: 'boss@dealer.cn', email_verified: true, name: 'Wang Fang' },
  manager: { email: 'li@dealer.cn', email_verified: true, name: 'Li Lei' },
  stranger: { email: 'stranger@elsewhere.cn', email_verified: true, name: 'Someone' },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID || 'clv-app',
    client_secret: process.env.CLIENT_SECRET || 'clv-test-secret',
    redirect_uris: [process.env.REDIRECT_URI || 'http://localhost:8501/oauth2callback'],
    // Streamlit's st.logout sends the redirect URI itself as post_logout_redirect_uri.
    post_logout_redirect_uris: [process.env.REDIRECT_URI || 'http://localhost:8501/oauth2callback'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Streamlit reads the user from the ID token: put the granted claims there, not only in
  // the userinfo response.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const claims = ACCOUNTS[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
