// Browser tests: every shopper page works with JavaScript switched off.
// Drives Debian's chromium through playwright-core against a running stack (scripts/test starts
// one) and prints TAP. Environment: DITTO_WEB_URL (required), BUILD (for dittoctl),
// DITTO_STATE_DIR (its ditto.conf; the screenshot goes to its log/), DITTO_REPO (cwd for
// dittoctl), DITTO_CHROMIUM (browser binary, default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const BASE = (process.env.DITTO_WEB_URL || '').replace(/\/+$/, '');
const BUILD = process.env.BUILD || '';
const STATE = process.env.DITTO_STATE_DIR || '';
const REPO = process.env.DITTO_REPO || process.cwd();
const BROWSER = process.env.DITTO_CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT = 15000;

const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const shopper = {
  name: 'Browser Shopper',
  username: `nojs_${suffix}`,
  email: `nojs_${suffix}@example.com`,
  password: 'amber kettle orbit 5521',
};
let shopperReady = false;

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function bodyText(page) {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

async function expectText(page, re, what) {
  const t = await bodyText(page);
  check(re.test(t), `${what}: ${re} not found on ${page.url()}: ${t.slice(0, 400)}`);
}

// Submits a form by clicking its button and returns the response of the POST itself.
async function submit(page, button) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  return resp;
}

async function go(page, p) {
  const resp = await page.goto(BASE + p);
  check(resp !== null, `no response for ${p}`);
  return resp;
}

async function signIn(page, user) {
  await go(page, '/login');
  await page.fill('main input[name="username"]', user.username);
  await page.fill('main input[name="password"]', user.password);
  await submit(page, page.locator('main form button[type="submit"]'));
  check(!new URL(page.url()).pathname.startsWith('/login'),
    `sign-in as ${user.username} stayed on ${page.url()}: ${(await bodyText(page)).slice(0, 300)}`);
}

// Opens product number `nth` (0-based, in stock) from the catalogue and puts one in the cart.
async function putInCart(page, nth) {
  await go(page, '/catalog');
  const links = page.locator('ul.products li:not(:has(.out)) a[href^="/product/"]');
  const n = await links.count();
  check(n > nth, `catalogue lists only ${n} products in stock`);
  const name = (await links.nth(nth).innerText()).trim();
  await Promise.all([page.waitForURL(/\/product\/\d+/), links.nth(nth).click()]);
  await expectText(page, /in stock/i, 'product page');
  await submit(page, page.getByRole('button', { name: 'Put in cart' }));
  if (!new URL(page.url()).pathname.startsWith('/cart')) await go(page, '/cart');
  await expectText(page, new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'cart');
  return name;
}

async function fillCheckout(page, card) {
  await page.fill('#name', shopper.name);
  await page.fill('#email', shopper.email);
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

async function openCheckout(page) {
  await go(page, '/cart');
  await Promise.all([page.waitForURL(/\/checkout/), page.getByRole('link', { name: 'Go to checkout' }).click()]);
  await expectText(page, /Checkout/, 'checkout page');
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('home_and_privacy_render', async ({ anon }) => {
  // First make sure scripts really do not run in these pages.
  await anon.setContent('<title>off</title><script>document.title = "on"</script>');
  check(await anon.title() === 'off', 'JavaScript is running in the test browser');
  const home = await go(anon, '/');
  check(home.status() === 200, `/ answered ${home.status()}`);
  check(await anon.locator('h1', { hasText: 'Welcome' }).count() === 1, 'no "Welcome" heading on /');
  const priv = await go(anon, '/privacy');
  check(priv.status() === 200, `/privacy answered ${priv.status()}`);
  const title = (await anon.locator('article.policy h1').innerText()).trim();
  check(title.length > 0, 'the policy has no title');
  check((await anon.locator('.policy-body').innerText()).trim().length > 0, 'the policy body is empty');
  await expectText(anon, /Version \d+, published/, 'policy meta');
  await expectText(anon, /All versions/, 'version list heading');
  const versions = await anon.locator('ul.versions li').count();
  check(versions >= 1, 'the version list is empty');
});

test('register_form_shows_field_errors_without_js', async ({ anon }) => {
  await go(anon, '/register');
  await anon.fill('#name', 'Only A Name');
  // The page's HTML5 `required` checks would stop the browser before sending; switch them
  // off (as an older browser would not have them) so that the server's own checks answer.
  await anon.locator('main form').evaluate((f) => { f.noValidate = true; });
  const resp = await submit(anon, anon.getByRole('button', { name: 'Register' }));
  check(resp.status() === 422, `POST /register answered ${resp.status()}, want 422`);
  const errors = await anon.locator('.field-error').allInnerTexts();
  check(errors.length >= 3, `only ${errors.length} field errors: ${JSON.stringify(errors)}`);
  await expectText(anon, /Please correct the marked fields/, 'error summary');
  await expectText(anon, /accept it to register/, 'policy checkbox error');
  check(await anon.inputValue('#name') === 'Only A Name', 'the name was not kept');
});

test('full_purchase_without_js', async ({ shop }) => {
  await go(shop, '/register');
  await shop.fill('#name', shopper.name);
  await shop.fill('#email', shopper.email);
  await shop.fill('#username', shopper.username);
  await shop.fill('#password', shopper.password);
  await shop.check('input[name="accept_policy"]');
  const reg = await submit(shop, shop.getByRole('button', { name: 'Register' }));
  check(reg.status() < 400, `registration answered ${reg.status()}: ${(await bodyText(shop)).slice(0, 400)}`);
  await expectText(shop, /Thank you for registering/, 'registration');
  check(BUILD !== '' && STATE !== '', 'BUILD and DITTO_STATE_DIR are needed to approve the shopper');
  execFileSync(path.join(BUILD, 'dittoctl'),
    ['--config', path.join(STATE, 'ditto.conf'), 'customer', 'approve', shopper.username],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20000 });
  await signIn(shop, shopper);
  shopperReady = true;
  const name = await putInCart(shop, 0);
  await openCheckout(shop);
  await fillCheckout(shop, '4242 4242 4242 4242');
  const resp = await submit(shop, shop.getByRole('button', { name: 'Place order' }));
  check(resp.status() < 400, `placing the order answered ${resp.status()}: ${(await bodyText(shop)).slice(0, 600)}`);
  check(/\/orders\/\d+/.test(shop.url()), `not on an order page: ${shop.url()}`);
  await expectText(shop, /Thank you/, 'order page');
  await expectText(shop, /status paid/, 'order status');
  const orderPath = new URL(shop.url()).pathname;
  await go(shop, '/orders');
  check(await shop.locator(`ul.orders a[href="${orderPath}"]`).count() === 1,
    `/orders does not list ${orderPath}`);
  await expectText(shop, /paid/, '/orders');
  check(name.length > 0, 'product without a name');
});

test('declined_card_shows_message', async ({ shop }) => {
  check(shopperReady, 'the shopper was not signed in by the previous test');
  await putInCart(shop, 1);
  await openCheckout(shop);
  await fillCheckout(shop, '4000 0000 0000 0002');
  const resp = await submit(shop, shop.getByRole('button', { name: 'Place order' }));
  check(resp.status() === 422, `a declined card answered ${resp.status()}, want 422`);
  check(new URL(shop.url()).pathname === '/checkout', `left the checkout: ${shop.url()}`);
  await expectText(shop, /declined/, 'decline message');
  await expectText(shop, /no order was placed/, 'decline message');
  check(await shop.locator('#card_number').inputValue() === '', 'the card number came back in the form');
});

test('sign_out_works_without_js', async ({ shop }) => {
  check(shopperReady, 'the shopper was not signed in by an earlier test');
  await go(shop, '/catalog');
  check(new URL(shop.url()).pathname === '/catalog', `signed-in /catalog went to ${shop.url()}`);
  await submit(shop, shop.locator('header').getByRole('button', { name: 'Sign out' }));
  check(await shop.locator('header').getByRole('button', { name: 'Sign out' }).count() === 0,
    'still a "Sign out" button after signing out');
  await go(shop, '/catalog');
  check(new URL(shop.url()).pathname === '/login', `/catalog after sign-out showed ${shop.url()}`);
  await expectText(shop, /Sign in/, 'login page');
});

test('screenshot', async ({ browser }) => {
  check(STATE !== '', 'DITTO_STATE_DIR is needed for the screenshot');
  check(shopperReady, 'no approved shopper to sign in with');
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  try {
    const page = await ctx.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await signIn(page, shopper);
    await go(page, '/catalog');
    check(await page.locator('ul.products li').count() > 0, 'the catalogue is empty');
    const file = path.join(STATE, 'log', 'catalog.png');
    mkdirSync(path.dirname(file), { recursive: true });
    const png = await page.screenshot({ path: file, fullPage: true });
    check(png.length > 1000 && png.subarray(1, 4).toString() === 'PNG', 'the screenshot is not a PNG');
  } finally {
    await ctx.close();
  }
});

async function main() {
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
  const mk = async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT);
    return page;
  };
  const fixtures = { browser, anon: await mk(), shop: await mk() };
  let failed = 0;
  for (let i = 0; i < tests.length; i++) {
    const t = tests[i];
    const t0 = Date.now();
    try {
      await t.fn(fixtures);
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

main().then((rc) => { process.exitCode = rc; }, (e) => {
  console.log(`# ${e && e.stack ? e.stack : e}`);
  process.exitCode = 1;
});
