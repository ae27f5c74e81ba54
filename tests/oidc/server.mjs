// A real OpenID Connect provider (npm oidc-provider) for replybox's sign-in tests, on a free
// loopback port. It prints one JSON line {"issuer": "..."} when it is ready.
//
// Environment:
//   OIDC_CLIENTS  JSON array of client metadata (client_id, client_secret, redirect_uris, ...)
//   OIDC_CONFORM  "0" puts the user's claims into the id_token; otherwise (the default) the
//                 code flow's id_token carries only `sub` and the claims come from userinfo.
//
// Test-only additions, as TESTING.md describes: a headless interaction route that logs in the
// user named by `login_hint` and grants consent at once (`login_hint=deny` refuses), a
// GitHub-shaped `GET /user` for plain-OAuth2 clients, and the users' pictures.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const ACCOUNTS = {
  ada: { number: 1815, login: 'ada', name: 'Ada Lovelace', email: 'ada@example.org', picture: true },
  grace: { number: 1906, login: 'grace', name: 'Grace Hopper', email: 'grace@example.org', picture: false },
  nameless: { number: 7, login: 'nameless', name: null, email: null, picture: false }
};
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const pictureOf = (id) => (ACCOUNTS[id].picture ? `${issuer}/pictures/${id}.png` : undefined);

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.OIDC_CLIENTS || '[]'),
  jwks: { keys: [jwk] },
  conformIdTokenClaims: process.env.OIDC_CONFORM !== '0',
  scopes: ['openid', 'offline_access', 'profile', 'email', 'read:user'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username', 'picture', 'profile'],
    email: ['email', 'email_verified']
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: {
    keys: ['replybox-test-cookie-key'],
    names: { session: 'op_session', interaction: 'op_interaction', resume: 'op_resume', state: 'op_state' }
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: account.name ?? undefined,
          preferred_username: account.login,
          picture: pictureOf(id),
          profile: `${issuer}/people/${id}`,
          email: account.email ?? undefined,
          email_verified: account.email ? true : undefined
        };
      }
    };
  }
});
provider.proxy = false;

provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params } = details;
    let result;
    if (prompt.name === 'login') {
      const who = params.login_hint || 'ada';
      result = who === 'deny' || !ACCOUNTS[who]
        ? { error: 'access_denied', error_description: 'The user said no.' }
        : { login: { accountId: who } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(redirectTo);
    return;
  }
  if (ctx.method === 'GET' && ctx.path === '/user') {
    const token = (ctx.get('authorization') || '').replace(/^Bearer\s+/i, '');
    const accessToken = token && (await provider.AccessToken.find(token));
    const account = accessToken && ACCOUNTS[accessToken.accountId];
    if (!account) {
      ctx.status = 401;
      ctx.body = { message: 'Bad credentials' };
      return;
    }
    const id = accessToken.accountId;
    ctx.body = {
      id: account.number,
      login: account.login,
      name: account.name,
      avatar_url: pictureOf(id) ?? null,
      html_url: `${issuer}/people/${id}`,
      email: null
    };
    return;
  }
  const picture = ctx.method === 'GET' && /^\/pictures\/(\w+)\.png$/.exec(ctx.path);
  if (picture && ACCOUNTS[picture[1]]?.picture) {
    ctx.type = 'image/png';
    ctx.body = PNG;
    return;
  }
  await next();
});

server.on('request', provider.callback());
// The test harness reads only this line; later writes must not kill the provider (EPIPE).
process.stdout.on('error', () => {});
process.stdout.write(JSON.stringify({ issuer }) + '\n');
process.on('SIGTERM', () => process.exit(0));
