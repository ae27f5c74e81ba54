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
//
// And a deliberately hostile issuer, the attacker of the id_token tests: a malicious or
// compromised identity provider under `/rogue/{defect}`, with its own discovery document and
// signing key. Its authorize endpoint sends the reader straight back with a code; its token
// endpoint checks the code and PKCE verifier like a real one, then answers a properly signed
// id_token whose one defect the prefix names:
//   ok    nothing wrong (the control: proves the rogue issuer itself works)
//   aud   issued to another client
//   iss   claims to come from another issuer
//   exp   expired an hour ago (and issued two hours ago)
//   sig   signed with a key that is not in the issuer's JWKS
//   slow  never answers the token request (a provider that hangs)
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

const ROGUE_DEFECTS = new Set(['ok', 'aud', 'iss', 'exp', 'sig', 'slow']);
const rogueKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const strangerKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const rogueJwk = { ...rogueKey.publicKey.export({ format: 'jwk' }), kid: 'rogue', use: 'sig', alg: 'RS256' };
const rogueCodes = new Map();
const base64url = (data) => Buffer.from(data).toString('base64url');

function signJwt(claims, key) {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'rogue' }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function rogue(ctx, defect, route) {
  const base = `${issuer}/rogue/${defect}`;
  if (ctx.method === 'GET' && route === '/.well-known/openid-configuration') {
    ctx.body = {
      issuer: base,
      authorization_endpoint: `${base}/auth`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256']
    };
  } else if (ctx.method === 'GET' && route === '/jwks') {
    ctx.body = { keys: [rogueJwk] };
  } else if (ctx.method === 'GET' && route === '/auth') {
    const q = ctx.query;
    const code = crypto.randomBytes(16).toString('hex');
    rogueCodes.set(code, { clientId: q.client_id, nonce: q.nonce, challenge: q.code_challenge });
    const back = new URL(q.redirect_uri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.state);
    ctx.status = 303;
    ctx.redirect(back.toString());
  } else if (ctx.method === 'POST' && route === '/token') {
    const form = await readForm(ctx.req);
    const grant = rogueCodes.get(form.get('code'));
    rogueCodes.delete(form.get('code'));
    const verifier = form.get('code_verifier') || '';
    if (!grant || crypto.createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_grant' };
      return;
    }
    if (defect === 'slow') {
      await new Promise(() => {});
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: defect === 'iss' ? `${issuer}/rogue/elsewhere` : base,
      sub: `mallory-${defect}`,
      aud: defect === 'aud' ? 'another-client' : grant.clientId,
      iat: defect === 'exp' ? now - 7200 : now,
      exp: defect === 'exp' ? now - 3600 : now + 300,
      nonce: grant.nonce,
      name: 'Mallory'
    };
    ctx.set('cache-control', 'no-store');
    ctx.body = {
      access_token: crypto.randomBytes(16).toString('hex'),
      token_type: 'Bearer',
      expires_in: 300,
      id_token: signJwt(claims, defect === 'sig' ? strangerKey : rogueKey.privateKey)
    };
  } else {
    ctx.status = 404;
    ctx.body = { error: 'not_found' };
  }
}

provider.use(async (ctx, next) => {
  const rogueRoute = /^\/rogue\/(\w+)(\/.*)$/.exec(ctx.path);
  if (rogueRoute && ROGUE_DEFECTS.has(rogueRoute[1])) {
    await rogue(ctx, rogueRoute[1], rogueRoute[2]);
    return;
  }
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
