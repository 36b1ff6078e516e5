// Browser journeys: one workflow per staff role, walked end to end through both sites as people
// would, with JavaScript off, leaving a full-page screenshot of each step
// (journey-<role>-<n>-<step>.png in DITTO_STATE_DIR/log):
//  - a representative approves a new registration, which then signs in on the shop;
//  - support ships an order with a tracking number, which the customer then sees;
//  - billing refunds a card order, which the customer then sees refunded;
//  - an admin publishes a site notice, which the shop's home page then shows.
// Environment: DITTO_WEB_URL and DITTO_STAFF_URL (both required), BUILD (dittoctl),
// DITTO_STATE_DIR (its ditto.conf and my.cnf), DITTO_REPO, DITTO_CHROMIUM.
import {
  STAFF, WEB, check, expectNoText, expectText, go, main, memberNew, newPage, screenshot,
  shopBuy, shopRegister, shopSignIn, sqlRoot, staffSignIn, submit, suffix,
} from './lib.mjs';

const customer = {
  name: 'Journey Customer',
  username: `jrn_${suffix}`,
  email: `jrn_${suffix}@example.com`,
  password: 'violet harbour crane 3307',
};
let approved = false;

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// Walks steps ([name, async (pages) => {...}]) for role, a screenshot of the acting page after
// each: the staff member's page, or the shop's when the step names it.
async function journey(browser, role, steps) {
  const staff = await newPage(browser);
  const shop = await newPage(browser);
  try {
    const member = memberNew(role, 'j');
    await staffSignIn(staff, member);
    let n = 0;
    for (const [name, where, fn] of steps) {
      await fn({ staff, shop });
      await screenshot(where === 'shop' ? shop : staff, `journey-${role}-${++n}-${name}`);
    }
  } finally {
    await staff.context().close();
    await shop.context().close();
  }
}

// Clicks the submit button of the form that posts to action (after fill(form), if given);
// returns the POST's response.
async function post(page, action, fill) {
  const form = page.locator(`main form[action="${action}"]`);
  check(await form.count() === 1, `no form posting to ${action} on ${page.url()}`);
  if (fill) await fill(form);
  return submit(page, form.locator('button[type="submit"], input[type="submit"]').first());
}

test('representative_approves_a_registration_that_then_signs_in', async ({ browser }) => {
  await journey(browser, 'representative', [
    ['registered', 'shop', async ({ shop }) => {
      await shopRegister(shop, customer);
    }],
    ['queue', 'staff', async ({ staff }) => {
      const resp = await go(staff, STAFF, '/admin/registrations');
      check(resp.status() === 200, `/admin/registrations answered ${resp.status()}`);
      await expectText(staff, customer.username, 'the pending queue');
    }],
    ['approved', 'staff', async ({ staff }) => {
      const id = sqlRoot(`SELECT id FROM customers WHERE username = '${customer.username}'`);
      const resp = await post(staff, `/admin/customers/${id}/approve`);
      check(resp.status() < 400, `approve answered ${resp.status()}`);
      check(sqlRoot(`SELECT status FROM customers WHERE id = ${id}`) === 'approved',
        'the account is not approved in the database');
      await go(staff, STAFF, '/admin/registrations');
      await expectNoText(staff, customer.username, 'the queue after approval');
    }],
    ['signed-in', 'shop', async ({ shop }) => {
      await shopSignIn(shop, customer);
      await go(shop, WEB, '/catalog');
      check(await shop.locator('ul.product-grid li').count() > 0, 'the approved customer sees no catalogue');
      approved = true;
    }],
  ]);
});

// Signs the journey's customer in on page and buys product nth; returns the order's id.
async function customerOrder(shop, nth) {
  check(approved, 'the customer was not approved by the first journey');
  await shopSignIn(shop, customer);
  return shopBuy(shop, customer, nth);
}

test('support_ships_an_order_whose_tracking_number_the_customer_sees', async ({ browser }) => {
  const tracking = `JT${suffix.toUpperCase()}`.replace(/[^A-Z0-9]/g, '').slice(0, 20);
  let id = 0;
  await journey(browser, 'support', [
    ['ordered', 'shop', async ({ shop }) => {
      id = await customerOrder(shop, 0);
    }],
    ['order', 'staff', async ({ staff }) => {
      await go(staff, STAFF, '/admin/orders');
      const link = staff.locator(`main a[href="/admin/orders/${id}"]`).first();
      check(await link.count() === 1, `/admin/orders does not link order ${id}`);
      await Promise.all([staff.waitForURL(new RegExp(`/admin/orders/${id}$`)), link.click()]);
      await expectText(staff, customer.name, 'support sees the customer\'s name');
    }],
    ['shipped', 'staff', async ({ staff }) => {
      const resp = await post(staff, `/admin/orders/${id}/tracking`,
        (f) => f.locator('input[name="tracking_number"]').fill(tracking));
      check(resp.status() < 400, `setting the tracking number answered ${resp.status()}`);
      await expectText(staff, tracking, 'the order after shipping');
      await expectText(staff, 'shipped', 'the order after shipping');
    }],
    ['customer-sees-tracking', 'shop', async ({ shop }) => {
      await go(shop, WEB, `/orders/${id}`);
      await expectText(shop, tracking, 'the customer\'s order page');
      await expectText(shop, 'shipped', 'the customer\'s order page');
    }],
  ]);
});

test('billing_refunds_a_card_order', async ({ browser }) => {
  let id = 0;
  await journey(browser, 'billing', [
    ['ordered', 'shop', async ({ shop }) => {
      id = await customerOrder(shop, 1);
    }],
    ['order', 'staff', async ({ staff }) => {
      const resp = await go(staff, STAFF, `/admin/orders/${id}`);
      check(resp.status() === 200, `/admin/orders/${id} answered ${resp.status()}`);
      await expectNoText(staff, customer.email, 'billing sees the email only masked');
    }],
    ['refunded', 'staff', async ({ staff }) => {
      const resp = await post(staff, `/admin/orders/${id}/refund`);
      check(resp.status() < 400, `the refund answered ${resp.status()}`);
      await go(staff, STAFF, `/admin/orders/${id}`);
      await expectText(staff, /refund/i, 'the order\'s history after the refund');
      check(sqlRoot(`SELECT status FROM orders WHERE id = ${id}`) === 'refunded',
        'the order is not refunded in the database');
    }],
    ['customer-sees-refund', 'shop', async ({ shop }) => {
      await go(shop, WEB, `/orders/${id}`);
      await expectText(shop, 'refunded', 'the customer\'s order page');
    }],
  ]);
});

test('admin_publishes_a_notice_the_shop_shows', async ({ browser }) => {
  const notice = `The showroom closes early on Friday (${suffix}).`;
  await journey(browser, 'admin', [
    ['notices', 'staff', async ({ staff }) => {
      const resp = await go(staff, STAFF, '/admin/notices');
      check(resp.status() === 200, `/admin/notices answered ${resp.status()}`);
    }],
    ['published', 'staff', async ({ staff }) => {
      const resp = await post(staff, '/admin/notices',
        (f) => f.locator('textarea[name="body"], input[name="body"]').fill(notice));
      check(resp.status() < 400, `publishing the notice answered ${resp.status()}`);
      await go(staff, STAFF, '/admin/notices');
      await expectText(staff, notice, 'the notice list');
    }],
    ['shop-shows-it', 'shop', async ({ shop }) => {
      await go(shop, WEB, '/');
      await expectText(shop, notice, 'the shop\'s home page');
    }],
  ]);
});

main(tests, { DITTO_WEB_URL: WEB, DITTO_STAFF_URL: STAFF });
