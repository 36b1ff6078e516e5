// Browser tests: every shopper page works with JavaScript switched off.
// Drives Debian's chromium through playwright-core against a running stack (scripts/test starts
// one) and prints TAP. Environment: DITTO_WEB_URL (required), BUILD (for dittoctl),
// DITTO_STATE_DIR (its ditto.conf; the screenshot goes to its log/), DITTO_REPO (cwd for
// dittoctl), DITTO_CHROMIUM (browser binary, default /usr/bin/chromium).
import {
  BUILD, STATE, WEB, bodyText, check, dittoctl, expectText, fillCheckout, go as goTo, newPage, main,
  openCheckout, putInCart, screenshot, shopBuy, shopRegister, shopSignIn as signIn, submit,
  suffix,
} from './lib.mjs';

const shopper = {
  name: 'Browser Shopper',
  username: `nojs_${suffix}`,
  email: `nojs_${suffix}@example.com`,
  password: 'amber kettle orbit 5521',
};
let shopperReady = false;

const go = (page, p) => goTo(page, WEB, p);

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
  await expectText(anon, /There is a problem/, 'error summary');
  await expectText(anon, /accept it to register/, 'policy checkbox error');
  check(await anon.inputValue('#name') === 'Only A Name', 'the name was not kept');
});

test('full_purchase_without_js', async ({ shop }) => {
  await shopRegister(shop, shopper);
  check(BUILD !== '' && STATE !== '', 'BUILD and DITTO_STATE_DIR are needed to approve the shopper');
  dittoctl(['customer', 'approve', shopper.username]);
  await signIn(shop, shopper);
  shopperReady = true;
  const id = await shopBuy(shop, shopper, 0);
  await expectText(shop, /Thank you/, 'order page');
  await expectText(shop, /status paid/, 'order status');
  const orderPath = `/orders/${id}`;
  await go(shop, '/orders');
  check(await shop.locator(`ul.orders a[href="${orderPath}"]`).count() === 1,
    `/orders does not list ${orderPath}`);
  await expectText(shop, /paid/, '/orders');
});

test('declined_card_shows_message', async ({ shop }) => {
  check(shopperReady, 'the shopper was not signed in by the previous test');
  await putInCart(shop, 1);
  await openCheckout(shop);
  await fillCheckout(shop, shopper, '4000 0000 0000 0002');
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
  check(shopperReady, 'no approved shopper to sign in with');
  const page = await newPage(browser);
  try {
    await signIn(page, shopper);
    await go(page, '/catalog');
    check(await page.locator('ul.product-grid li').count() > 0, 'the catalogue is empty');
    await screenshot(page, 'catalog');
  } finally {
    await page.context().close();
  }
});

main(tests, { DITTO_WEB_URL: WEB }, async (browser) => ({
  browser, anon: await newPage(browser), shop: await newPage(browser),
}));
