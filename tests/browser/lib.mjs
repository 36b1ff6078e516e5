// What every browser test file shares: the environment scripts/test passes, page helpers, the
// database and dittoctl as a test's hands, screenshots, and the TAP runner that starts Debian's
// chromium with JavaScript disabled.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const WEB = (process.env.DITTO_WEB_URL || '').replace(/\/+$/, '');
export const STAFF = (process.env.DITTO_STAFF_URL || '').replace(/\/+$/, '');
export const BUILD = process.env.BUILD || '';
export const STATE = process.env.DITTO_STATE_DIR || '';
export const REPO = process.env.DITTO_REPO || process.cwd();
const BROWSER = process.env.DITTO_CHROMIUM || '/usr/bin/chromium';
export const STEP_TIMEOUT = 15000;
export const STAFF_PASSWORD = 'brass orrery window 8812';

// A suffix unique to this run, for names the tests create.
export const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

export async function bodyText(page) {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

// want: a string the page must contain, or a RegExp it must match.
export async function expectText(page, want, what) {
  const t = await bodyText(page);
  const ok = want instanceof RegExp ? want.test(t) : t.includes(want);
  check(ok, `${what}: ${want instanceof RegExp ? want : `"${want}"`} not found on ${page.url()}: ${t.slice(0, 400)}`);
}

export async function expectNoText(page, s, what) {
  const t = await bodyText(page);
  check(!t.includes(s), `${what}: "${s}" is shown on ${page.url()}`);
}

// Submits a form by clicking its button and returns the response of the POST itself.
export async function submit(page, button) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  return resp;
}

// Opens base + p; returns the response.
export async function go(page, base, p) {
  const resp = await page.goto(base + p);
  check(resp !== null, `no response for ${p}`);
  return resp;
}

// Runs SQL as the test database's root; returns what it printed (tab-separated, no headers).
export function sqlRoot(statements) {
  return execFileSync('mariadb', [`--defaults-file=${path.join(STATE, 'my.cnf')}`, '-uroot',
    '--default-character-set=utf8mb4', '-N', '-B', 'ditto', '-e', statements],
  { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 }).toString().trim();
}

// Runs `dittoctl ARGS` against the test stack with input on stdin; returns its stdout.
export function dittoctl(args, input = '') {
  return execFileSync(path.join(BUILD, 'dittoctl'), ['--config', path.join(STATE, 'ditto.conf'), ...args],
    { cwd: REPO, input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 20000 }).toString();
}

// A new staff member of role (dittoctl staff add); returns { username, secret, role }.
export function memberNew(role, tag = '') {
  const username = `b${role.slice(0, 4)}${tag}_${suffix}`;
  const out = dittoctl(['staff', 'add', '--role', role, username], `${STAFF_PASSWORD}\n`);
  const m = /[?&]secret=([A-Z2-7]+)/.exec(out);
  check(m !== null, `dittoctl staff add printed no otpauth:// secret for ${username}`);
  return { username, secret: m[1], role };
}

export function totp(secret) {
  return execFileSync('oathtool', ['--totp', '-b', secret], { timeout: 10000 }).toString().trim();
}

// Signs the member in through the staff form, as a person with an authenticator app would.
export async function staffSignIn(page, member) {
  const resp = await go(page, STAFF, '/admin/login');
  check(resp.status() === 200, `/admin/login answered ${resp.status()}`);
  await page.fill('main input[name="username"]', member.username);
  await page.fill('main input[name="password"]', STAFF_PASSWORD);
  await page.fill('main input[name="totp"]', totp(member.secret));
  await submit(page, page.locator('main form').getByRole('button', { name: 'Sign in' }));
  // A member's first sign-in after a new policy version: read it and acknowledge it.
  if (new URL(page.url()).pathname === '/admin/policy/acknowledge')
    await submit(page, page.locator('main form').getByRole('button', { name: /I have read version/ }));
  check(new URL(page.url()).pathname === '/admin',
    `sign-in of ${member.username} went to ${page.url()}: ${(await bodyText(page)).slice(0, 300)}`);
  await recordSessionCookies(page);
}

// Appends the session cookies (shop and staff) the page's browser holds to STATE/run/seen-tokens:
// the after-run privacy sweep (tests/integration/test_privacy_sweep.c) looks for each of them in
// the traffic log and the aggregate tables.
export async function recordSessionCookies(page) {
  if (STATE === '') return;
  const names = new Set(['ditto', '__Host-ditto', 'ditto_staff', '__Host-ditto_staff']);
  const values = (await page.context().cookies()).filter((c) => names.has(c.name) && c.value !== '');
  if (values.length > 0)
    appendFileSync(path.join(STATE, 'run', 'seen-tokens'), values.map((c) => `${c.value}\n`).join(''));
}

// ---- the shop, as a customer uses it ----

// Signs user ({ username, password }) in on the shop; checks it left the login page.
export async function shopSignIn(page, user) {
  await go(page, WEB, '/login');
  await page.fill('main input[name="username"]', user.username);
  await page.fill('main input[name="password"]', user.password);
  await submit(page, page.locator('main form button[type="submit"]'));
  check(!new URL(page.url()).pathname.startsWith('/login'),
    `sign-in as ${user.username} stayed on ${page.url()}: ${(await bodyText(page)).slice(0, 300)}`);
  await recordSessionCookies(page);
}

// Opens product number `nth` (0-based, in stock) from the catalogue and puts one in the cart.
export async function putInCart(page, nth) {
  await go(page, WEB, '/catalog');
  const links = page.locator('ul.product-grid li:not(:has(.out)) a[href^="/product/"]');
  const n = await links.count();
  check(n > nth, `catalogue lists only ${n} products in stock`);
  const name = (await links.nth(nth).locator('.card-name').innerText()).trim();
  await Promise.all([page.waitForURL(/\/product\/\d+/), links.nth(nth).click()]);
  await expectText(page, /in stock/i, 'product page');
  await submit(page, page.getByRole('button', { name: 'Add to cart' }));
  if (!new URL(page.url()).pathname.startsWith('/cart')) await go(page, WEB, '/cart');
  await expectText(page, name, 'cart');
  return name;
}

// Fills the checkout form for person ({ name, email }), paying by card.
export async function fillCheckout(page, person, card) {
  await page.fill('#name', person.name);
  await page.fill('#email', person.email);
  await page.fill('#billing_line1', '12 Kettle Lane');
  await page.fill('#billing_city', 'Orbitville');
  await page.fill('#billing_postcode', '5521');
  await page.fill('#billing_country', 'Netherlands');
  await page.check('input[name="shipping_same"]');
  await page.check('input[name="payment_mode"][value="card"]');
  await page.fill('#card_number', card);
  await page.fill('#card_exp', '12/30');
  await page.fill('#card_cvv', '123');
}

export async function openCheckout(page) {
  await go(page, WEB, '/cart');
  await Promise.all([page.waitForURL(/\/checkout/), page.getByRole('link', { name: 'Go to checkout' }).click()]);
  await expectText(page, /Checkout/, 'checkout page');
}

// Registers person ({ name, email, username, password }) through the shop's form.
export async function shopRegister(page, person) {
  await go(page, WEB, '/register');
  await page.fill('#name', person.name);
  await page.fill('#email', person.email);
  await page.fill('#username', person.username);
  await page.fill('#password', person.password);
  await page.check('input[name="accept_policy"]');
  const reg = await submit(page, page.getByRole('button', { name: 'Register' }));
  check(reg.status() < 400, `registration answered ${reg.status()}: ${(await bodyText(page)).slice(0, 400)}`);
  await expectText(page, /Thank you for registering/, 'registration');
}

// The signed-in person buys product nth of the catalogue by card; returns the order's id.
export async function shopBuy(page, person, nth, card = '4242 4242 4242 4242') {
  await putInCart(page, nth);
  await openCheckout(page);
  await fillCheckout(page, person, card);
  const resp = await submit(page, page.getByRole('button', { name: 'Place order' }));
  check(resp.status() < 400, `placing the order answered ${resp.status()}: ${(await bodyText(page)).slice(0, 600)}`);
  const m = /\/orders\/(\d+)/.exec(new URL(page.url()).pathname);
  check(m !== null, `not on an order page: ${page.url()}`);
  return Number(m[1]);
}

// Saves a full-page screenshot as STATE/log/<name>.png and checks it is one.
export async function screenshot(page, name) {
  check(STATE !== '', 'DITTO_STATE_DIR is needed for the screenshots');
  const file = path.join(STATE, 'log', `${name}.png`);
  mkdirSync(path.dirname(file), { recursive: true });
  const png = await page.screenshot({ path: file, fullPage: true });
  check(png.length > 1000 && png.subarray(1, 4).toString() === 'PNG', `${name}.png is not a PNG`);
}

// A page in a fresh browser context (its own cookies) with JavaScript off, 1280 px wide unless
// viewport says otherwise.
export async function newPage(browser, viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport });
  const page = await ctx.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT);
  return page;
}

// Runs tests ({ name, fn }) in order as TAP. fixtures(browser) gives what each fn receives.
// Skips the whole file (exit 77, or DITTO_TAP_SKIP_STATUS) when a URL in needs is unset.
export async function runTap(tests, needs, fixtures = async (browser) => ({ browser })) {
  for (const [name, url] of Object.entries(needs)) {
    if (url === '') {
      console.log(`1..0 # SKIP ${name} is not set (scripts/test starts a stack and sets it)`);
      return Number(process.env.DITTO_TAP_SKIP_STATUS ?? 77);
    }
  }
  console.log(`1..${tests.length}`);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: BROWSER,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (e) {
    for (let i = 0; i < tests.length; i++)
      console.log(`not ok ${i + 1} - ${tests[i].name}\n# cannot start ${BROWSER}: ${String(e.message).split('\n')[0]}`);
    return 1;
  }
  const fx = await fixtures(browser);
  let failed = 0;
  for (let i = 0; i < tests.length; i++) {
    const t = tests[i];
    const t0 = Date.now();
    try {
      await t.fn(fx);
      console.log(`ok ${i + 1} - ${t.name}\n# ${t.name}: ${Date.now() - t0} ms`);
    } catch (e) {
      failed++;
      console.log(`not ok ${i + 1} - ${t.name}`);
      const msg = String(e && e.message ? e.message : e).replace(/\x1b\[[0-9;]*m/g, '');
      for (const line of msg.split('\n').filter((l) => l.trim() !== '').slice(0, 12))
        console.log(`# ${line}`);
    }
  }
  await browser.close();
  return failed ? 1 : 0;
}

// Runs the file's tests and sets the process's exit status.
export function main(tests, needs, fixtures) {
  runTap(tests, needs, fixtures).then((rc) => { process.exitCode = rc; }, (e) => {
    console.log(`# ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  });
}
