// Browser tests of a forgotten password, at 1280 px and 390 px wide, JavaScript off: "Forgot
// your password?" on the sign-in page, the address typed in, the link taken from the mail that
// `dittoctl mail send` delivered, a new password chosen, and signing in with it; the link then
// works no more. Each step leaves a screenshot, STATE/log/reset-<width>-<step>.png.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  STATE, WEB, bodyText, check, dittoctl, expectText, go as goTo, main, newPage, screenshot,
  shopRegister, shopSignIn, submit, suffix,
} from './lib.mjs';

const go = (page, p) => goTo(page, WEB, p);
const WIDTHS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }];
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// The reset link in the newest delivered mail to address (STATE/mail/*.eml).
function mailedLink(address) {
  const dir = path.join(STATE, 'mail');
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  for (const f of files.reverse()) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    if (!text.includes(`To: ${address}`) || !text.includes('Subject: Choose a new password')) continue;
    const m = /\/password\/reset\?token=[A-Za-z0-9_-]+/.exec(text);
    if (m) return m[0];
  }
  return null;
}

for (const vp of WIDTHS) {
  const w = vp.width;
  test(`reset_a_forgotten_password_through_the_mailed_link_at_${w}px`, async ({ browser }) => {
    const person = {
      name: 'Forgetful Shopper',
      username: `rs${w}_${suffix}`,
      email: `rs${w}_${suffix}@example.com`,
      password: 'saffron kettle harbour 5120',
    };
    const page = await newPage(browser, vp);
    await shopRegister(page, person);
    dittoctl(['customer', 'approve', person.username]);

    await go(page, '/login');
    await Promise.all([page.waitForURL(/\/password\/forgot/),
      page.getByRole('link', { name: 'Forgot your password?' }).click()]);
    await screenshot(page, `reset-${w}-forgot`);
    await page.fill('#email', person.email);
    const sent = await submit(page, page.locator('main form button[type="submit"]'));
    check(sent.status() === 200, `asking for a link answered ${sent.status()}`);
    await screenshot(page, `reset-${w}-sent`);

    dittoctl(['mail', 'send']);
    const link = mailedLink(person.email);
    check(link !== null, `no reset mail to ${person.email} in ${STATE}/mail`);
    await go(page, link);
    await expectText(page, 'Choose a new password', 'reset page');
    await screenshot(page, `reset-${w}-choose`);
    // A weak one first: the form says why and keeps the link.
    const weak = await submit(page, page.locator('main form button[type="submit"]'));
    check(weak.status() === 422, `an empty new password answered ${weak.status()}`);
    check((await page.title()).startsWith('Error: '), 'the error page title lacks "Error: "');
    check(await page.locator('.error-summary a[href="#password"]').count() === 1,
      'the error summary does not link to the password field');
    await screenshot(page, `reset-${w}-error`);
    const fresh = 'juniper lantern quarry 9042';
    await page.fill('#password', fresh);
    const done = await submit(page, page.locator('main form button[type="submit"]'));
    check(done.status() < 400, `setting the new password answered ${done.status()}: ${(await bodyText(page)).slice(0, 300)}`);
    check(new URL(page.url()).pathname === '/login', `after the reset the browser is on ${page.url()}`);
    await screenshot(page, `reset-${w}-done`);

    await shopSignIn(page, { username: person.username, password: fresh });
    await screenshot(page, `reset-${w}-signed-in`);
    // Used once: the same link is refused now.
    const again = await go(page, link);
    check(again.status() === 400, `the used link answered ${again.status()}`);
    await expectText(page, 'Link not valid', 'a used link');
    await page.context().close();
  });
}

main(tests, { DITTO_WEB_URL: WEB });
