// Browser tests: the forms to the GOV.UK pattern and accessibility. axe-core (npm, vendored in
// node_modules through package-lock.json) checks every shop page, signed out and signed in,
// each form in its error state too, at 1280 px and 390 px wide, and any violation fails the
// test; a checkout with the sandbox's declining card shows the reason at the top of the page
// with the card's expiry still filled in, at both widths. Every state is screenshotted as
// STATE/log/a11y-<page>-<width>.png (scripts/test keeps them in var/test-logs/screenshots/).
// JavaScript stays off in the pages: axe is run through the DevTools protocol (page.evaluate),
// which a page's disabled scripts do not stop.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  BUILD, STATE, WEB, bodyText, check, dittoctl, expectText, fillCheckout, go as goTo, main,
  openCheckout, putInCart, screenshot, shopRegister, shopSignIn, submit, suffix,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const WIDTHS = [1280, 390];
// No axe rule is disabled. (Were one ever needed, it would be listed here with the reason.)
const DISABLED_RULES = {};

const go = (page, p) => goTo(page, WEB, p);
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const shopper = {
  name: 'Form Tester',
  username: `forms_${suffix}`,
  email: `forms_${suffix}@example.com`,
  password: 'copper lantern meadow 4471',
};
let ready = false;

// axe-core needs scripts and timers, which the shop's pages run without: so the page's DOM as
// the no-JavaScript browser has it (page.content(), after any POST) is served again, at the same
// address (the stylesheet resolves) and width, to a page of a JavaScript-enabled context that
// axe runs in. Nothing but that copy runs script.
const axePages = new WeakMap();
async function axePage(browser) {
  if (!axePages.has(browser)) {
    const ctx = await browser.newContext({ javaScriptEnabled: true });
    axePages.set(browser, await ctx.newPage());
  }
  return axePages.get(browser);
}

// Runs axe-core on the page as it is and throws on any violation, naming rule, impact and the
// first offending elements.
async function axeCheck(page, what) {
  const html = await page.content();
  const url = page.url();
  const ap = await axePage(page.context().browser());
  await ap.setViewportSize(page.viewportSize());
  await ap.route(url, (r) => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  try {
    await ap.goto(url);
  } finally {
    await ap.unroute(url);
  }
  await ap.evaluate(AXE_SOURCE);
  const result = await ap.evaluate(async (disabled) => {
    const rules = {};
    for (const id of Object.keys(disabled)) rules[id] = { enabled: false };
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { rules, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 2).join(' ')}`),
    }));
  }, DISABLED_RULES);
  check(result.length === 0, `${what} (${page.url()}): ${result.length} axe violation(s):\n` +
    result.map((v) => `${v.id} [${v.impact}] ${v.help} — ${v.nodes.join(' | ')}`).join('\n'));
}

// Checks the page at each width (axe, then a screenshot named a11y-<name>-<width>).
async function checkPage(page, name) {
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w, height: 900 });
    await axeCheck(page, `${name} at ${w} px`);
    await screenshot(page, `a11y-${name}-${w}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// The page is a form in its error state the GOV.UK way: title "Error: ...", an error summary
// with a heading and links to fields that exist, each field pointing at its message.
async function expectErrorState(page, what, wantSummary) {
  const title = await page.title();
  check(title.startsWith('Error: '), `${what}: the title "${title}" does not start with "Error: "`);
  const summary = page.locator('.error-summary');
  check(await summary.count() === 1, `${what}: no error summary`);
  check(await summary.getAttribute('role') === 'alert', `${what}: the summary is not role=alert`);
  check(await summary.getAttribute('tabindex') === '-1', `${what}: the summary cannot take focus`);
  check((await summary.locator('h2').innerText()).trim() === 'There is a problem', `${what}: summary heading`);
  const text = (await summary.innerText()).replace(/\s+/g, ' ');
  if (wantSummary) check(wantSummary.test(text), `${what}: the summary says "${text}", want ${wantSummary}`);
  for (const href of await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    const id = href.slice(1);
    check(await page.locator(`[id="${id}"]`).count() === 1, `${what}: the summary links to ${href}, which is not on the page`);
    const field = page.locator(`[id="${id}"]`);
    const described = await field.getAttribute('aria-describedby');
    if (described !== null)
      check(await page.locator(`[id="${described}"]`).count() === 1, `${what}: ${href} is described by a missing #${described}`);
  }
  check(!/Fill this in/.test(text), `${what}: a vague message: ${text}`);
}

// Submits the form of the button and returns the response of the POST.
const post = (page, button) => submit(page, button);

test('signed_out_pages_pass_axe', async ({ anon }) => {
  for (const [name, p] of [['home', '/'], ['privacy', '/privacy'], ['login', '/login'],
    ['register', '/register'], ['contact', '/contact'], ['forgot', '/password/forgot'],
    ['not-found', '/no-such-page']]) {
    await go(anon, p);
    await checkPage(anon, name);
  }
});

test('signed_out_forms_in_error_pass_axe', async ({ anon }) => {
  await go(anon, '/register');
  await anon.fill('#name', 'Kept Name');
  await anon.fill('#email', 'not-an-address');
  const r = await post(anon, anon.getByRole('button', { name: 'Register' }));
  check(r.status() === 422, `empty registration answered ${r.status()}`);
  await expectErrorState(anon, 'register', /Enter an email address in the correct format.*Enter a username.*Enter a password/);
  check(await anon.inputValue('#name') === 'Kept Name', 'the typed name was not kept');
  check(await anon.inputValue('#email') === 'not-an-address', 'the typed email was not kept');
  check(await anon.locator('#email').getAttribute('aria-describedby') === 'email-error', 'email is not described by its error');
  await checkPage(anon, 'register-error');

  await go(anon, '/login');
  const l = await post(anon, anon.locator('main form button[type="submit"]'));
  check(l.status() === 422, `empty sign-in answered ${l.status()}`);
  await expectErrorState(anon, 'login', /Enter your username.*Enter your password/);
  await checkPage(anon, 'login-error');

  await anon.fill('#username', `nobody_${suffix}`);
  await anon.fill('#password', 'wrong wrong wrong wrong');
  await post(anon, anon.locator('main form button[type="submit"]'));
  await expectErrorState(anon, 'login refused');
  check(await anon.inputValue('#username') === `nobody_${suffix}`, 'the typed username was not kept');
  check(await anon.inputValue('#password') === '', 'the password came back in the form');
  await checkPage(anon, 'login-refused');

  await go(anon, '/password/forgot');
  await anon.fill('#email', 'not-an-address');
  const f = await post(anon, anon.locator('main form button[type="submit"]'));
  check(f.status() === 422, `a bad address for a reset link answered ${f.status()}`);
  await expectErrorState(anon, 'forgot password', /Enter an email address/);
  check(await anon.inputValue('#email') === 'not-an-address', 'the typed address was not kept');
  await checkPage(anon, 'forgot-error');
});

test('signed_in_pages_pass_axe', async ({ shop }) => {
  await shopRegister(shop, shopper);
  check(BUILD !== '' && STATE !== '', 'BUILD and DITTO_STATE_DIR are needed to approve the shopper');
  dittoctl(['customer', 'approve', shopper.username]);
  await shopSignIn(shop, shopper);
  ready = true;
  await go(shop, '/catalog');
  await checkPage(shop, 'catalog');
  const first = shop.locator('ul.product-grid li a[href^="/product/"]').first();
  await go(shop, await first.getAttribute('href'));
  await checkPage(shop, 'product');
  await putInCart(shop, 0);
  await checkPage(shop, 'cart');
  await openCheckout(shop);
  await checkPage(shop, 'checkout');
  for (const [name, p] of [['home-signed-in', '/'], ['orders', '/orders'], ['account', '/account'],
    ['disclosures', '/account/disclosures'], ['privacy-accept', '/privacy/accept'],
    ['contact-signed-in', '/contact'], ['privacy-signed-in', '/privacy']]) {
    await go(shop, p);
    await checkPage(shop, name);
  }
});

test('signed_in_forms_in_error_pass_axe', async ({ shop }) => {
  check(ready, 'the shopper was not signed in by the previous test');
  // Checkout with nothing filled in: each field says what to enter.
  await putInCart(shop, 0);
  await openCheckout(shop);
  await shop.fill('#name', '');
  await shop.fill('#email', '');
  let r = await post(shop, shop.getByRole('button', { name: 'Place order' }));
  check(r.status() === 422, `an empty checkout answered ${r.status()}`);
  await expectErrorState(shop, 'checkout', /Enter the name for this order.*Enter the email address for this order.*Enter the address line 1 of the billing address.*Enter your card number/);
  await checkPage(shop, 'checkout-error');

  // My Account: a bad name is shown as typed, not as stored, under its error.
  await go(shop, '/account');
  await shop.fill('#name', '');
  await shop.fill('#email', 'typed@@example');
  r = await post(shop, shop.getByRole('button', { name: 'Save details' }));
  check(r.status() === 422, `a bad profile answered ${r.status()}`);
  await expectErrorState(shop, 'account profile', /Enter your name/);
  check(await shop.inputValue('#email') === 'typed@@example', 'My Account showed the stored email, not the typed one');
  check(await shop.inputValue('#name') === '', 'My Account showed the stored name under the error about the typed one');
  await checkPage(shop, 'account-error');

  await go(shop, '/account');
  await shop.fill('#billing_line1', '3 Typed Street');
  r = await post(shop, shop.getByRole('button', { name: 'Save addresses' }));
  check(r.status() === 422, `a half address answered ${r.status()}`);
  await expectErrorState(shop, 'account address', /Enter the city of the billing address/);
  check(await shop.inputValue('#billing_line1') === '3 Typed Street', 'the typed address line was not kept');
  await checkPage(shop, 'account-address-error');

  await go(shop, '/account');
  r = await post(shop, shop.getByRole('button', { name: 'Change password' }));
  await expectErrorState(shop, 'account password', /Enter your current password/);
  await checkPage(shop, 'account-password-error');

  await go(shop, '/contact');
  r = await post(shop, shop.getByRole('button', { name: 'Send' }));
  check(r.status() === 422, `an empty contact form answered ${r.status()}`);
  await expectErrorState(shop, 'contact');
  await checkPage(shop, 'contact-error');

  // Deleting: a warning, a confirmation step, and its errors when sent without what it asks.
  await go(shop, '/account');
  const del = shop.getByRole('button', { name: 'Delete my account…' });
  check(await del.getAttribute('class') === 'button-warning', 'the delete button is not styled as a warning');
  await post(shop, del);
  await expectText(shop, /This cannot be undone/, 'delete confirmation');
  await checkPage(shop, 'delete-confirm');
  r = await post(shop, shop.locator('main form').getByRole('button', { name: 'Delete my account' }));
  check(r.status() === 422, `an unconfirmed delete answered ${r.status()}`);
  await expectErrorState(shop, 'delete', /Enter your password.*Tick the box to confirm that you want to delete your account/);
  await checkPage(shop, 'delete-error');
  await go(shop, '/account');
  await expectText(shop, 'My Account', 'the account is still open');
});

test('every_input_type_renders_and_works', async ({ browser }) => {
  // The stylesheet's form rules on every input type: each visible, with a usable size, and
  // the payment choice's radios side by side with their labels (a rule once made them as wide
  // as the form).
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 900 } });
  const page = await ctx.newPage();
  try {
    await page.goto(`${WEB}/static/style.css`);
    const css = await page.evaluate(() => document.body.innerText);
    await page.setContent(`<!doctype html><html lang="en"><head><title>inputs</title><style>${css}</style></head><body><main><form class="form">
      <label for="t">Text</label><input id="t">
      <label for="e">Email</label><input id="e" type="email">
      <label for="p">Password</label><input id="p" type="password">
      <label for="tel">Phone</label><input id="tel" type="tel">
      <label for="n">Number</label><input id="n" type="number" value="1">
      <label for="s">Select</label><select id="s"><option>One</option><option>Two</option></select>
      <label for="ta">Textarea</label><textarea id="ta"></textarea>
      <label for="f">File</label><input id="f" type="file">
      <label class="check"><input id="c" type="checkbox"> Check</label>
      <fieldset class="radios"><legend>Pay by</legend>
      <label class="check"><input id="r1" type="radio" name="r" value="a"> Card</label>
      <label class="check"><input id="r2" type="radio" name="r" value="b"> Invoice</label></fieldset>
      </form></main></body></html>`);
    for (const id of ['t', 'e', 'p', 'tel', 'n', 's', 'ta', 'f', 'c', 'r1', 'r2']) {
      const box = await page.locator(`#${id}`).boundingBox();
      check(box !== null && box.width >= 12 && box.height >= 12, `#${id} is not visible at a usable size: ${JSON.stringify(box)}`);
      check(box.x + box.width <= 390, `#${id} runs off a 390 px screen`);
    }
    for (const id of ['c', 'r1', 'r2']) {
      const box = await page.locator(`#${id}`).boundingBox();
      check(box.width <= 32, `#${id} is ${box.width} px wide: a stylesheet rule stretches it`);
    }
    await page.fill('#t', 'typed');
    await page.fill('#n', '3');
    await page.selectOption('#s', 'Two');
    await page.fill('#ta', 'lines');
    await page.check('#c');
    await page.check('#r2');
    check(await page.isChecked('#r2') && !(await page.isChecked('#r1')), 'the radios do not work');
    check(await page.inputValue('#s') === 'Two' && await page.isChecked('#c'), 'select or checkbox does not work');
    // The real checkout's radios: small, and beside their labels.
    const shop = await ctx.newPage();
    await shop.goto(`${WEB}/login`);
    await shop.fill('#username', shopper.username);
    await shop.fill('#password', shopper.password);
    await Promise.all([shop.waitForLoadState('load'), shop.locator('main form button[type="submit"]').click()]);
    shop.setDefaultTimeout(15000);
    await putInCart(shop, 0);
    await openCheckout(shop);
    for (const v of ['card', 'invoice']) {
      const radio = shop.locator(`input[name="payment_mode"][value="${v}"]`);
      const box = await radio.boundingBox();
      check(box !== null && box.width <= 32, `the ${v} radio is ${box && box.width} px wide`);
      await radio.check();
      check(await radio.isChecked(), `the ${v} radio cannot be chosen`);
    }
    await screenshot(shop, 'a11y-checkout-radios-390');
  } finally {
    await ctx.close();
  }
});

test('header_does_not_wrap_inside_a_link_at_320px', async ({ browser }) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 700 } });
  const page = await ctx.newPage();
  try {
    await page.goto(`${WEB}/login`);
    await page.fill('#username', shopper.username);
    await page.fill('#password', shopper.password);
    await Promise.all([page.waitForLoadState('load'), page.locator('main form button[type="submit"]').click()]);
    for (const el of await page.locator('header.site a, header.site button').all()) {
      const rects = await el.evaluate((e) => e.getClientRects().length);
      check(rects === 1, `"${(await el.innerText()).trim()}" wraps over ${rects} lines at 320 px`);
      const box = await el.boundingBox();
      check(box.x >= 0 && box.x + box.width <= 320, `"${(await el.innerText()).trim()}" runs off a 320 px screen`);
    }
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    check(scroll <= 320, `the page is ${scroll} px wide on a 320 px screen`);
    await screenshot(page, 'a11y-header-320');
  } finally {
    await ctx.close();
  }
});

// Acceptance 1's part: the declined card, at both widths.
for (const width of WIDTHS) {
  test(`declined_card_reason_at_top_with_expiry_kept_${width}px`, async ({ browser }) => {
    check(ready, 'no approved shopper');
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
    const page = await ctx.newPage();
    try {
      await page.goto(`${WEB}/login`);
      await page.fill('#username', shopper.username);
      await page.fill('#password', shopper.password);
      await Promise.all([page.waitForLoadState('load'), page.locator('main form button[type="submit"]').click()]);
      await putInCart(page, 1);
      await openCheckout(page);
      await fillCheckout(page, shopper, '4000 0000 0000 0002');
      await page.fill('#card_exp', '11/31');
      const r = await post(page, page.getByRole('button', { name: 'Place order' }));
      check(r.status() === 422, `a declined card answered ${r.status()}, want 422`);
      await expectErrorState(page, 'declined card', /Your card was declined: nothing was charged and no order was placed\. Check the card details and try again, use another card, or choose to pay by invoice\./);
      // At the top: the summary comes before the page's heading and the form.
      const order = await page.evaluate(() => {
        const s = document.querySelector('.error-summary');
        const h = document.querySelector('main h1');
        return s.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING;
      });
      check(order !== 0, 'the error summary is not above the heading');
      const box = await page.locator('.error-summary').boundingBox();
      check(box.y < 900 && box.x >= 0 && box.x + box.width <= width, `the reason is not in the first screen at ${width} px: ${JSON.stringify(box)}`);
      check(await page.inputValue('#card_exp') === '11/31', 'the card expiry was not kept after the decline');
      check(await page.inputValue('#card_number') === '', 'the card number came back in the form');
      check(await page.inputValue('#card_cvv') === '', 'the security code came back in the form');
      check(await page.inputValue('#billing_city') === 'Orbitville', 'the typed address was not kept');
      check(!(await bodyText(page)).includes('0002'), 'the card number shows on the page');
      await axeCheck(page, `declined card at ${width} px`);
      await screenshot(page, `a11y-checkout-declined-${width}`);
    } finally {
      await ctx.close();
    }
  });
}

main(tests, { DITTO_WEB_URL: WEB }, async (browser) => {
  const page = async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const p = await ctx.newPage();
    p.setDefaultTimeout(15000);
    return p;
  };
  return { browser, anon: await page(), shop: await page() };
});
